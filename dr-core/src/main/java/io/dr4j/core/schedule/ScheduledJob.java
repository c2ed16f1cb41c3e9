package io.dr4j.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

/**
 * A job the {@link Scheduler} runs.
 *
 * @param name     unique, letters, digits, {@code . _ -} (used as lock and state name)
 * @param schedule when it fires
 * @param jitter   each run starts at a random delay in {@code [0, jitter]} after its fire time, so that many
 *                 services do not hit the same store at the same second
 * @param catchUp  after a restart, run once at once if a fire time passed while the service was down
 * @param task     the work
 */
public record ScheduledJob(String name, CronSchedule schedule, Duration jitter, boolean catchUp, Task task) {

    /** The work of a job. */
    @FunctionalInterface
    public interface Task {
        void run(Context context) throws Exception;
    }

    /**
     * What a run knows.
     *
     * @param job          the job's name
     * @param scheduledFor the fire time this run is for
     * @param startedAt    when it started
     * @param catchUp      whether it makes up for a run missed while the service was down
     * @param lease        the leader lock held for the run; long tasks check {@link LeaderLock.Lease#isValid()}
     */
    public record Context(String job, Instant scheduledFor, Instant startedAt, boolean catchUp, LeaderLock.Lease lease) {
    }

    public ScheduledJob {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new ConfigurationException("Invalid job name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "': 1-63 letters, digits, '.', '_' or '-'");
        }
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(jitter, "jitter");
        if (jitter.isNegative()) {
            throw new ConfigurationException("The jitter of job " + name + " must not be negative, was " + jitter);
        }
        Objects.requireNonNull(task, "task");
    }

    /** The seed's daily full backup at 02:00 UTC, with catch-up and no jitter. */
    public static ScheduledJob dailyFullBackup(Task task) {
        return new ScheduledJob("full-backup", CronSchedule.dailyAt0200Utc(), Duration.ZERO, true, task);
    }

    /**
     * A job configured under {@code dr.schedule.<name>}: {@code cron} (required unless {@code defaultCron} is given),
     * {@code zone} (default UTC), {@code jitter} (default 0), {@code catch-up} (default true).
     *
     * @throws ConfigurationException for a malformed cron expression, zone or duration
     */
    public static ScheduledJob fromConfig(String name, ProviderConfig config, String defaultCron, Task task) {
        ProviderConfig c = config.namespace().endsWith("schedule." + name) ? config : config.scope("dr.schedule." + name);
        String expr = c.get("cron", defaultCron);
        ZoneId zone;
        try {
            zone = c.get("zone").map(ZoneId::of).orElse(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new ConfigurationException(c.namespace() + ".zone is not a time zone id (e.g. UTC, Europe/Berlin)", e);
        }
        CronSchedule s;
        try {
            s = CronSchedule.parse(expr, zone);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(c.namespace() + ".cron: " + e.getMessage(), e);
        }
        return new ScheduledJob(name, s, c.getDuration("jitter", Duration.ZERO), c.getBoolean("catch-up", true), task);
    }
}
