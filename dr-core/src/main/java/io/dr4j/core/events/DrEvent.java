package io.dr4j.core.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.retention.ExpiryReport;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.restore.RestoreResult;

import org.jspecify.annotations.Nullable;

/**
 * Something the library did to a repository. Every event names the repository's {@code system} (its system
 * identifier) and the instant it happened ({@code at}). Events carry no secrets: reasons are dr4j error messages.
 */
public sealed interface DrEvent {

    /** The system identifier of the repository the event is about. */
    String system();

    /** When it happened. */
    Instant at();

    /**
     * A backup began writing (its session took the repository lock).
     *
     * @param type {@code full}, {@code diff}, {@code incr}, {@code logical}, or {@code unknown} for an id without type
     */
    record BackupStarted(String system, String backupId, String type, Instant at) implements DrEvent {
        public BackupStarted {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(backupId, "backupId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A backup's manifest was written: the backup exists. */
    record BackupCompleted(String system, BackupManifest manifest, Instant at) implements DrEvent {
        public BackupCompleted {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(at, "at");
        }

        public String backupId() {
            return manifest.id();
        }

        public String type() {
            return manifest.type().id();
        }

        /** Original bytes of the files backed up. */
        public long bytes() {
            return manifest.size();
        }

        /** Bytes stored (compressed, encrypted; files referenced from an earlier backup not counted). */
        public long storedBytes() {
            return manifest.storedSize();
        }

        public Duration duration() {
            return Duration.between(manifest.startedAt(), manifest.finishedAt());
        }
    }

    /**
     * A backup attempt failed; nothing of it stays visible. {@code backupId} is the id its session had, or the id it
     * would have had when it failed before writing anything.
     *
     * @param reason the error message (never a secret), or a note that the backup source gave none
     */
    record BackupFailed(String system, String backupId, String type, Instant startedAt, Duration duration,
                        String reason, Instant at) implements DrEvent {
        public BackupFailed {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(backupId, "backupId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A restore (physical, point-in-time, logical, or the test restore of a verification) completed. */
    record RestoreCompleted(String system, String strategy, RestoreResult result, Instant at) implements DrEvent {
        public RestoreCompleted {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(at, "at");
        }

        public Duration duration() {
            return result.total();
        }
    }

    /** A restore failed. {@code backupId} is the one requested (null: the strategy was to choose). */
    record RestoreFailed(String system, String strategy, @Nullable String backupId, Duration duration, String reason,
                         Instant at) implements DrEvent {
        public RestoreFailed {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A verification (read-data, WAL chain, test restore) was recorded in the repository. */
    record VerificationCompleted(String system, VerificationRecord record, Instant at) implements DrEvent {
        public VerificationCompleted {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(at, "at");
        }

        public boolean passed() {
            return record.passed();
        }
    }

    /** An expiry (not a dry run) deleted what retention allowed. */
    record ExpiryCompleted(String system, ExpiryReport report, Instant at) implements DrEvent {
        public ExpiryCompleted {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A WAL file was stored by the WAL archiver or {@code archive_command} ({@code dr wal-push}).
     *
     * @param name     the WAL file name (segment, {@code .history}, {@code .backup})
     * @param partial  the partial segment being written (stored again every second or so by the streaming archiver)
     * @param lagBytes WAL the server has written but the repository does not hold yet; -1 when unknown
     */
    record WalArchived(String system, String name, boolean partial, long lagBytes, Instant at) implements DrEvent {
        public WalArchived {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(at, "at");
        }
    }
}
