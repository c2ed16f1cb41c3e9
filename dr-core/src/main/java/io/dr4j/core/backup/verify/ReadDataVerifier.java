package io.dr4j.core.backup.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.dr4j.core.DrException;
import io.dr4j.core.Progress;
import io.dr4j.core.ProgressListener;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.BackupTarget;

/**
 * Re-reads stored objects and checks their size and SHA-256 against the manifests (and WAL files against the hash in
 * their keys): finds flipped bits, truncation, swapped or missing objects, naming each. A sample percentage makes a
 * cheap daily check; 100 % is the full weekly one. On a mirrored target every mirror's copy is read and a bad copy is
 * reported with its mirror's location, even when another mirror's copy is intact. The result is recorded in the
 * repository.
 */
public final class ReadDataVerifier {
    private final Repository repository;
    private double samplePercent = 100;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private boolean includeWal = true;
    private boolean allReplicas = true;
    private List<String> backupIds = List.of();
    private ProgressListener progress = ProgressListener.NONE;
    private long seed = 0;

    public ReadDataVerifier(Repository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /** Verify a deterministic sample of this percentage of the objects (0 < pct <= 100). */
    public ReadDataVerifier sample(double percent, long seed) {
        if (!(percent > 0 && percent <= 100)) {
            throw new io.dr4j.core.ConfigurationException("Sample percentage must be in (0, 100], was " + percent);
        }
        this.samplePercent = percent;
        this.seed = seed;
        return this;
    }

    public ReadDataVerifier parallelism(int n) {
        this.parallelism = Math.max(1, n);
        return this;
    }

    /**
     * Whether every replica (mirror) of the target is read (default), or only the target as readers see it (the
     * first mirror that answers).
     */
    public ReadDataVerifier allReplicas(boolean b) {
        this.allReplicas = b;
        return this;
    }

    public ReadDataVerifier includeWal(boolean b) {
        this.includeWal = b;
        return this;
    }

    /** Only these backups (default: all). */
    public ReadDataVerifier backups(List<String> ids) {
        this.backupIds = List.copyOf(ids);
        return this;
    }

    public ReadDataVerifier progress(ProgressListener p) {
        this.progress = Objects.requireNonNull(p, "progress");
        return this;
    }

    private record Item(String key, String sha256, long size, String owner) {
    }

    /** Runs, records the result in the repository, and returns it. */
    public VerificationRecord run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<BackupManifest> backups = repository.catalog().list();
        if (!backupIds.isEmpty()) {
            backups = backupIds.stream().map(id -> repository.catalog().get(id)).toList();
        }
        Map<String, Item> items = new LinkedHashMap<>();
        for (BackupManifest m : backups) {
            for (BackupFile f : m.files()) {
                if (f.kind() == BackupFile.Kind.FILE && f.objectKey() != null) {
                    items.putIfAbsent(f.objectKey(), new Item(f.objectKey(), f.sha256(), f.size(), "backup " + m.id()));
                }
            }
        }
        if (includeWal) {
            for (String tl : repository.wal().timelines()) {
                for (WalSegment w : repository.wal().list(tl)) {
                    if (!w.partial()) {
                        items.putIfAbsent(w.key(), new Item(w.key(), w.sha256(), -1, "WAL " + w.name()));
                    }
                }
            }
        }
        List<Item> chosen = new ArrayList<>();
        for (Item i : items.values()) {
            if (samplePercent >= 100 || sampled(i.key())) {
                chosen.add(i);
            }
        }
        // every mirror's copy is read: a corrupt copy on one mirror is reported even though another is intact
        List<BackupTarget> replicas = allReplicas ? repository.target().replicas() : List.of(repository.target());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicLong bytes = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long total = chosen.stream().mapToLong(i -> Math.max(0, i.size())).sum();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "dr4j-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Item i : chosen) {
                futures.add(pool.submit(() -> {
                    for (BackupTarget replica : replicas) {
                        String where = replicas.size() > 1 ? " (copy on " + replica.location() + ")" : "";
                        try (InputStream in = replicas.size() > 1 ? repository.read(replica, i.key(), i.sha256(), i.size())
                                : repository.read(i.key(), i.sha256(), i.size())) {
                            byte[] buf = new byte[256 * 1024];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                bytes.addAndGet(n);
                            }
                        } catch (DrException | IOException e) {
                            problems.add(i.owner() + ": " + e.getMessage() + where);
                        }
                    }
                    long d = done.incrementAndGet();
                    progress.onProgress(new Progress("verify", "read-data", bytes.get(), total, d, chosen.size(),
                            Duration.ofNanos(System.nanoTime() - t0)));
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    problems.add("verification task failed: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.dr4j.core.backup.RepositoryException("Verification was interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> sorted = new ArrayList<>(problems);
        Collections.sort(sorted);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("objects", Integer.toString(chosen.size()));
        details.put("objectsInRepository", Integer.toString(items.size()));
        details.put("bytes", Long.toString(bytes.get()));
        details.put("samplePercent", Double.toString(samplePercent));
        details.put("replicas", Integer.toString(replicas.size()));
        VerificationRecord r = new VerificationRecord(VerificationRecord.Kind.READ_DATA, started,
                Duration.ofNanos(System.nanoTime() - t0), sorted.isEmpty(), backups.stream().map(BackupManifest::id).toList(),
                sorted, details);
        new VerificationLog(repository).record(r);
        return r;
    }

    private boolean sampled(String key) {
        long h = seed;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        double u = (h >>> 11) / (double) (1L << 53);
        return u * 100 < samplePercent;
    }
}
