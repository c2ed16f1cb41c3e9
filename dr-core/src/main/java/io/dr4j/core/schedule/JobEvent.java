package io.dr4j.core.schedule;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Something the scheduler did with a job.
 *
 * @param job          the job
 * @param type         what happened
 * @param scheduledFor the fire time concerned
 * @param at           when (scheduler clock)
 * @param detail       a failure message or skip reason
 */
public record JobEvent(String job, Type type, Instant scheduledFor, Instant at, @Nullable String detail) {

    /** Kinds of events. */
    public enum Type {
        /** A run started. */
        STARTED,
        /** A run of a fire time missed while the service was down started. */
        CATCH_UP,
        SUCCEEDED,
        FAILED,
        /** Not started: the previous run of the job is still going. */
        SKIPPED_OVERLAP,
        /** Not started: another replica holds the job's leader lock. */
        SKIPPED_NOT_LEADER
    }
}
