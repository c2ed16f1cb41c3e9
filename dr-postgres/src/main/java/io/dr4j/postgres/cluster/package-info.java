/** PostgreSQL installations and scratch clusters (tests, test restores, drills, the demo). */
@NullMarked
package io.dr4j.postgres.cluster;

import org.jspecify.annotations.NullMarked;
