/** PostgreSQL health checks. */
@NullMarked
package io.dr4j.postgres.health;

import org.jspecify.annotations.NullMarked;
