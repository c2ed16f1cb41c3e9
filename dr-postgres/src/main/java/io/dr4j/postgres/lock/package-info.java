/** A {@link io.dr4j.core.schedule.LeaderLock} on PostgreSQL session advisory locks. */
@NullMarked
package io.dr4j.postgres.lock;

import org.jspecify.annotations.NullMarked;
