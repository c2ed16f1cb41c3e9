package io.dr4j.core.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.backup.Catalog;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryLock;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.ObjectNotFoundException;

/**
 * Failed backups and their reason: DOWN when the last attempt recorded by {@link BackupStatusRecorder} failed (with
 * its reason and the number of failures in a row); DEGRADED when backups left objects without a manifest (failed or
 * interrupted attempts, {@code Catalog.leftovers()}; the backup holding the repository lock with a fresh heartbeat
 * is running, not failed) or an attempt runs longer than {@code maxRunTime}.
 */
public final class BackupFailureCheck extends MonitorCheck {
    private final Repository repository;
    private final BackupStatusRecorder status;
    private final Duration maxRunTime;

    public BackupFailureCheck(Repository repository, Duration maxRunTime, Clock clock) {
        super(clock);
        this.repository = Objects.requireNonNull(repository, "repository");
        this.status = new BackupStatusRecorder(repository.target(), clock);
        this.maxRunTime = Objects.requireNonNull(maxRunTime, "maxRunTime");
    }

    /** The backup holding the repository lock with a fresh heartbeat: its objects are not leftovers. */
    private Optional<String> runningByLock() {
        try (InputStream in = repository.target().get("locks/" + Catalog.LOCK + ".json")) {
            RepositoryLock.Holder h = Json.read(in, RepositoryLock.Holder.class);
            boolean fresh = h.heartbeatAt() != null && Duration.between(h.heartbeatAt(), clock.instant())
                    .compareTo(RepositoryLock.DEFAULT_STALE_AFTER) < 0;
            if (fresh && h.purpose() != null && h.purpose().startsWith("backup ")) {
                return Optional.of(h.purpose().substring("backup ".length()).trim());
            }
            return Optional.empty();
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable lock says nothing about failures
        }
    }

    @Override
    public String name() {
        return "backup-failures";
    }

    @Override
    Finding evaluate() {
        Map<String, Object> d = new LinkedHashMap<>();
        Optional<BackupStatus> s = status.read();
        List<String> leftovers = repository.catalog().leftovers();
        String runningId = s.filter(BackupStatus::running).map(BackupStatus::backupId).orElse(null);
        String lockedId = runningByLock().orElse(null);
        if (lockedId != null) {
            d.put("running", lockedId);
        }
        List<String> stale = leftovers.stream().filter(id -> !id.equals(runningId) && !id.equals(lockedId)).toList();
        if (!stale.isEmpty()) {
            d.put("leftovers", String.join(",", stale));
        }
        if (s.isPresent()) {
            BackupStatus b = s.get();
            d.put("lastAttempt", b.backupId());
            d.put("lastOutcome", b.outcome());
            if (b.lastSuccessId() != null) {
                d.put("lastSuccess", b.lastSuccessId());
            }
            if (b.failed()) {
                d.put("reason", b.reason());
                d.put("consecutiveFailures", b.consecutiveFailures());
                return Finding.down("Backup " + b.backupId() + " failed at " + b.finishedAt() + ": " + b.reason()
                        + (b.consecutiveFailures() > 1 ? " (" + b.consecutiveFailures() + " failures in a row)" : "")
                        + (stale.isEmpty() ? "" : ". Leftovers without manifest: " + String.join(", ", stale)), d);
            }
            if (b.running()) {
                Duration running = Duration.between(b.startedAt(), clock.instant());
                if (running.compareTo(maxRunTime) > 0) {
                    return Finding.degraded("Backup " + b.backupId() + " has been running for " + human(running)
                            + " (limit " + human(maxRunTime) + "): it may be stuck or its process died", d);
                }
            }
        }
        if (!stale.isEmpty()) {
            return Finding.degraded(stale.size() + " backup(s) left objects without a manifest (failed or "
                    + "interrupted): " + String.join(", ", stale) + ". Remove them with the catalog cleanup (dr expire)", d);
        }
        return Finding.up(s.map(b -> "Last backup " + b.backupId() + " " + b.outcome()).orElse("No failed backups"), d);
    }
}
