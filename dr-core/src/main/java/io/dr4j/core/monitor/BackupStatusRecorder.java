package io.dr4j.core.monitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.events.DrEvent;
import io.dr4j.core.events.DrEventListener;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DrEventListener} (register it on the repository, or {@code DisasterRecovery.configure()
 * .recordBackupStatus(true)}) and what backup code may call directly, to record each attempt in {@code status/last-backup.json} of the repository's target, so
 * the monitor can report a failed backup with its reason (a failed backup has no manifest):
 *
 * <pre>{@code
 * var status = new BackupStatusRecorder(repository.target());
 * status.started(id, BackupType.FULL);
 * try { ...; status.succeeded(session.commit(manifest)); }
 * catch (RuntimeException e) { status.failed(id, BackupType.FULL, startedAt, e.getMessage()); throw e; }
 * }</pre>
 *
 * Recording never fails the backup: a status that cannot be written is logged and skipped. The file is plain JSON
 * (not encoded) so monitoring tools can read it; reasons must not contain secrets (dr4j messages never do).
 */
public final class BackupStatusRecorder implements DrEventListener {
    /** The status object's key in the repository's target. */
    public static final String KEY = "status/last-backup.json";
    private static final Logger log = LoggerFactory.getLogger(BackupStatusRecorder.class);
    private static final int MAX_REASON = 4000;

    private final BackupTarget target;
    private final Clock clock;

    public BackupStatusRecorder(BackupTarget target) {
        this(target, Clock.systemUTC());
    }

    public BackupStatusRecorder(BackupTarget target, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records backup events of the repository ({@link DrEvent.BackupStarted}, {@link DrEvent.BackupCompleted},
     * {@link DrEvent.BackupFailed}); other events are ignored. Never throws for a status it cannot write.
     */
    @Override
    public void onEvent(DrEvent event) {
        if (event instanceof DrEvent.BackupStarted e) {
            started(e.backupId(), e.type(), e.at());
        } else if (event instanceof DrEvent.BackupCompleted e) {
            succeeded(e.manifest());
        } else if (event instanceof DrEvent.BackupFailed e) {
            failed(e.backupId(), e.type(), e.startedAt(), e.reason());
        }
    }

    /** A backup attempt started now. */
    public void started(String backupId, BackupType type) {
        started(backupId, type.id(), clock.instant());
    }

    private void started(String backupId, String type, Instant at) {
        Optional<BackupStatus> prev = readQuietly();
        write(new BackupStatus(backupId, type, BackupStatus.RUNNING, at, null, null,
                prev.map(BackupStatus::lastSuccessId).orElse(null), prev.map(BackupStatus::lastSuccessAt).orElse(null),
                prev.map(BackupStatus::consecutiveFailures).orElse(0)));
    }

    /** The backup of this manifest succeeded. */
    public void succeeded(BackupManifest manifest) {
        write(new BackupStatus(manifest.id(), manifest.type().id(), BackupStatus.SUCCEEDED, manifest.startedAt(),
                manifest.finishedAt(), null, manifest.id(), manifest.finishedAt(), 0));
    }

    /** A backup attempt failed with {@code reason} (an error message). */
    public void failed(String backupId, BackupType type, Instant startedAt, String reason) {
        failed(backupId, type.id(), startedAt, reason);
    }

    private void failed(String backupId, String type, Instant startedAt, String reason) {
        Optional<BackupStatus> prev = readQuietly();
        String r = reason == null || reason.isBlank() ? "unknown error" : reason.strip();
        if (r.length() > MAX_REASON) {
            r = r.substring(0, MAX_REASON) + "...";
        }
        write(new BackupStatus(backupId, type, BackupStatus.FAILED, startedAt, clock.instant(), r,
                prev.map(BackupStatus::lastSuccessId).orElse(null), prev.map(BackupStatus::lastSuccessAt).orElse(null),
                prev.map(BackupStatus::consecutiveFailures).orElse(0) + 1));
    }

    /**
     * The last recorded attempt.
     *
     * @throws StorageException when the status object exists but cannot be read
     */
    public Optional<BackupStatus> read() {
        try (InputStream in = target.get(KEY)) {
            return Optional.of(Json.read(in, BackupStatus.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Could not read " + KEY + " in " + target.location() + ": " + e.getMessage()
                    + ". Delete it; the next backup writes it again", e);
        }
    }

    private Optional<BackupStatus> readQuietly() {
        try {
            return read();
        } catch (RuntimeException e) {
            log.warn("Previous backup status unreadable ({}); starting a new one", e.getMessage());
            return Optional.empty();
        }
    }

    private void write(BackupStatus s) {
        try {
            target.put(KEY, new ByteArrayInputStream(Json.write(s)), WriteOptions.replaceExisting());
        } catch (RuntimeException e) {
            log.warn("Could not record backup status of {} in {}: {}", s.backupId(), target.location(), e.getMessage());
        }
    }
}
