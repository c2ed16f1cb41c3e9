package io.dr4j.core.monitor;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.jspecify.annotations.Nullable;

/**
 * {@code status/last-backup.json}: the outcome of the last backup attempt, written by the backup code through
 * {@link BackupStatusRecorder} and read by the monitor. A failed backup leaves no manifest, so this is where its
 * reason is kept.
 *
 * @param backupId            the id of the last attempt
 * @param type                full, diff, incr or logical
 * @param outcome             {@code running}, {@code succeeded} or {@code failed}
 * @param startedAt           when the attempt started
 * @param finishedAt          when it ended (null while running)
 * @param reason              why it failed (null unless failed); an error message, never a secret
 * @param lastSuccessId       the newest backup that succeeded
 * @param lastSuccessAt       when it finished
 * @param consecutiveFailures failed attempts since the last success
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupStatus(String backupId, String type, String outcome, Instant startedAt, @Nullable Instant finishedAt,
                           @Nullable String reason, @Nullable String lastSuccessId, @Nullable Instant lastSuccessAt,
                           int consecutiveFailures) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public BackupStatus {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public boolean failed() {
        return FAILED.equals(outcome);
    }

    public boolean running() {
        return RUNNING.equals(outcome);
    }
}
