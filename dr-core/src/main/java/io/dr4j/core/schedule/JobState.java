package io.dr4j.core.schedule;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.jspecify.annotations.Nullable;

/**
 * What the scheduler persisted about a job's last run, so that a run missed while the service was down is caught
 * up after a restart.
 *
 * @param job            the job's name
 * @param lastScheduledFor the fire time of the last run started (or, before the first run, the fire time the job
 *                       was registered at)
 * @param lastStartedAt  when it started
 * @param lastFinishedAt when it finished
 * @param outcome        {@code registered}, {@code running}, {@code succeeded} or {@code failed}
 * @param error          the failure's message when it failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobState(String job, @Nullable Instant lastScheduledFor, @Nullable Instant lastStartedAt,
                       @Nullable Instant lastFinishedAt, String outcome, @Nullable String error) {
    public static final String REGISTERED = "registered";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public JobState {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(outcome, "outcome");
    }
}
