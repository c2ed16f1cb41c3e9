/** Process execution and other plumbing of dr-postgres. Internal. */
@NullMarked
package io.dr4j.postgres.internal;

import org.jspecify.annotations.NullMarked;
