package io.dr4j.core.backup.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Catalog;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.backup.verify.VerificationLog;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ObjectInfo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to a repository: plans (a dry run) and deletes. Backups go manifest first, then
 * data, oldest first; WAL after the backups that needed it. An expiry interrupted at any point leaves a consistent
 * repository: no listed backup misses data or WAL, and the next run removes what is left over.
 */
public final class Expiry {
    private static final Logger log = LoggerFactory.getLogger(Expiry.class);

    private final Repository repository;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final Duration leftoverGrace;

    public Expiry(Repository repository, RetentionPolicy policy) {
        this(repository, policy, Clock.systemUTC(), Duration.ofHours(6));
    }

    /**
     * @param leftoverGrace leftovers of a backup (objects without manifest) younger than this are not removed: the
     *                      backup may still be running
     */
    public Expiry(Repository repository, RetentionPolicy policy, Clock clock, Duration leftoverGrace) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leftoverGrace = Objects.requireNonNull(leftoverGrace, "leftoverGrace");
    }

    /** What {@link #execute} would delete. Changes nothing. */
    public ExpiryPlan plan() {
        Instant now = clock.instant();
        List<BackupManifest> backups = repository.catalog().list();
        List<WalSegment> wal = new ArrayList<>();
        for (String tl : repository.wal().timelines()) {
            wal.addAll(repository.wal().list(tl));
        }
        Map<String, Instant> locks = new HashMap<>();
        if (repository.target().capabilities().contains(Capability.IMMUTABILITY)) {
            for (BackupManifest b : backups) {
                repository.target().stat(Catalog.manifestKey(b.id())).flatMap(ObjectInfo::retention)
                        .ifPresent(until -> locks.put(b.id(), until));
            }
        }
        ExpiryPlan p = RetentionPlanner.plan(backups, wal, policy, now,
                new VerificationLog(repository).verifiedBackups(), locks);
        List<String> leftovers = new ArrayList<>();
        for (String id : repository.catalog().leftovers()) {
            Instant newest = newestObject(id);
            if (newest != null && newest.isBefore(now.minus(leftoverGrace))) {
                leftovers.add(id);
            }
        }
        return new ExpiryPlan(p.keep(), p.delete(), p.locked(), p.walToDelete(), p.walKeptFrom(), leftovers,
                p.bytesToFree());
    }

    private Instant newestObject(String id) {
        try (Stream<ObjectInfo> s = repository.target().listAll("backups/" + id + "/")) {
            return s.map(ObjectInfo::lastModified).max(Instant::compareTo).orElse(null);
        }
    }

    /** Plans and deletes. */
    public ExpiryReport run() {
        return execute(plan());
    }

    /**
     * Deletes what {@code plan} says, holding the repository lock (so no backup runs meanwhile), and re-checks that
     * nothing it planned is now needed by a newer backup.
     *
     * @throws io.dr4j.core.backup.RepositoryLock.RepositoryLockedException when a backup is running
     */
    public ExpiryReport execute(ExpiryPlan plan) {
        try (io.dr4j.core.backup.RepositoryLock lock = io.dr4j.core.backup.RepositoryLock.acquire(repository,
                Catalog.LOCK, "expiry", java.time.Duration.ZERO, io.dr4j.core.backup.RepositoryLock.DEFAULT_STALE_AFTER)) {
            return executeLocked(plan, lock);
        }
    }

    private ExpiryReport executeLocked(ExpiryPlan plan, io.dr4j.core.backup.RepositoryLock lock) {
        long t0 = System.nanoTime();
        // a backup taken since planning may depend on one we are about to delete: re-plan and intersect
        ExpiryPlan fresh = plan();
        List<String> deleted = new ArrayList<>();
        Map<String, BackupManifest> byId = new LinkedHashMap<>();
        repository.catalog().list().forEach(b -> byId.put(b.id(), b));
        long freed = 0;
        // newest first: a backup is deleted before the backups it depends on, so an interruption never leaves a
        // listed backup whose chain is gone
        List<String> order = new ArrayList<>(plan.delete());
        java.util.Collections.reverse(order);
        for (String id : order) {
            if (!fresh.delete().contains(id) || !byId.containsKey(id)) {
                continue;
            }
            lock.checkHeld();
            repository.catalog().delete(id);
            freed += byId.get(id).storedSize();
            deleted.add(id);
            log.info("Expired backup {}", id);
        }
        int wal = 0;
        java.util.Set<String> freshWal = new java.util.HashSet<>();
        fresh.walToDelete().forEach(w -> freshWal.add(w.key()));
        for (WalSegment w : plan.walToDelete()) {
            if (freshWal.contains(w.key())) {
                repository.wal().delete(w);
                freed += w.storedSize();
                wal++;
            }
        }
        List<String> leftovers = new ArrayList<>();
        for (String id : plan.leftovers()) {
            if (fresh.leftovers().contains(id)) {
                repository.catalog().deleteObjects(id);
                leftovers.add(id);
                log.info("Removed leftovers of failed backup {}", id);
            }
        }
        ExpiryReport report = new ExpiryReport(deleted, wal, leftovers, plan.locked(), freed, false,
                Duration.ofNanos(System.nanoTime() - t0));
        repository.events().fire(new io.dr4j.core.events.DrEvent.ExpiryCompleted(repository.events().system(), report,
                repository.events().clock().instant()));
        return report;
    }

    /** A report of what {@code plan} would do, without doing it. */
    public static ExpiryReport dryRun(ExpiryPlan plan) {
        return new ExpiryReport(plan.delete(), plan.walToDelete().size(), plan.leftovers(), plan.locked(),
                plan.bytesToFree(), true, Duration.ZERO);
    }
}
