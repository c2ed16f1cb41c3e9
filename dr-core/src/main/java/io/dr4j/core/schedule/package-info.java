/**
 * Scheduling of backups and other jobs: cron schedules (cron-utils), jitter, catch-up of runs missed while the
 * service was down, no overlapping runs, and a {@link io.dr4j.core.schedule.LeaderLock} SPI so that only one
 * replica of a service runs a job.
 */
@NullMarked
package io.dr4j.core.schedule;

import org.jspecify.annotations.NullMarked;
