package io.dr4j.postgres.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.postgres.cluster.FileOwner;
import io.dr4j.postgres.internal.Processes;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches WAL ahead of recovery: the next {@link Builder#depth} segments after the one recovery last asked for are
 * downloaded in parallel into a local spool directory, so that replay never waits on the network. Recovery reads
 * them through a generated {@code restore_command} script ({@link #restoreCommand()}), which
 * <ul>
 *   <li>moves a fetched file from the spool to {@code %p} (exit 0);</li>
 *   <li>asks for a file that was not predicted (a history file, another timeline) and waits while it is fetched;</li>
 *   <li>exits 1 when the prefetcher found the file is not in the repository (end of WAL, a missing history file);</li>
 *   <li>exits 200 (PostgreSQL then aborts recovery instead of ending it early) when fetching failed or the
 *   prefetcher stopped answering, or runs the optional fallback command instead.</li>
 * </ul>
 * Segments are taken from the timeline recovery will read them from, following the target timeline's history.
 * Disk use is bounded: at most {@code depth} fetched segments wait in the spool.
 *
 * <pre>{@code
 * try (WalPrefetcher prefetcher = WalPrefetcher.builder(repo, spoolDir).startSegment(backupStartSegment).build()) {
 *     prefetcher.start();
 *     autoConf.put("restore_command", prefetcher.restoreCommand());
 *     ... start the server, wait until recovery has ended ...
 * }
 * }</pre>
 */
public final class WalPrefetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalPrefetcher.class);
    /** The script's name in the spool directory. */
    public static final String SCRIPT = "restore-wal.sh";
    private static final String HEARTBEAT = ".heartbeat";

    private final Repository repository;
    private final Path spool;
    private final @Nullable Long targetTimeline;
    private final @Nullable String startSegment;
    private final int parallelism;
    private final int depth;
    private final boolean servePartial;
    private final @Nullable String fallbackCommand;
    private final Duration maxWait;
    private final long segmentSize;
    private final @Nullable FileOwner owner;
    private final boolean deferred;
    /** Recovery has asked for a file (see {@link Builder#untilFirstRequest()}). */
    private volatile boolean requested;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong fetchedBytes = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong notFound = new AtomicLong();
    private volatile long cursor = -1;
    private volatile long endSegment = Long.MAX_VALUE;
    private volatile boolean running;
    private @Nullable TimelineHistory history;
    private @Nullable ExecutorService pool;
    private @Nullable Thread coordinator;

    /** Counters of a prefetcher. */
    public record Stats(long fetched, long fetchedBytes, long served, long notFound) {
    }

    private WalPrefetcher(Builder b) {
        this.repository = b.repository;
        this.spool = b.spoolDir.toAbsolutePath();
        this.targetTimeline = b.timeline;
        this.startSegment = b.startSegment;
        this.parallelism = b.parallelism;
        this.depth = b.depth > 0 ? b.depth : 2 * b.parallelism;
        this.servePartial = b.servePartial;
        this.fallbackCommand = b.fallbackCommand;
        this.maxWait = b.maxWait;
        this.segmentSize = b.segmentSize;
        this.owner = b.owner;
        this.deferred = b.deferred;
    }

    public static Builder builder(Repository repository, Path spoolDir) {
        return new Builder(repository, spoolDir);
    }

    /** Creates the spool directory and the script, and starts fetching. */
    public synchronized WalPrefetcher start() {
        if (running) {
            return this;
        }
        try {
            Files.createDirectories(spool);
            WalInventory inventory = new WalInventory(repository, segmentSize);
            long tli = targetTimeline != null ? targetTimeline : inventory.newestTimeline();
            history = inventory.history(tli);
            if (startSegment != null) {
                cursor = WalPositions.segmentNumberOf(startSegment, segmentSize) - 1;
            }
            Path script = spool.resolve(SCRIPT);
            Files.writeString(script, script());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
            heartbeat();
            Processes.makeTraversable(spool);
            Processes.chownTo(spool, owner);
        } catch (IOException e) {
            throw new WalArchiverException("Could not prepare the WAL prefetch directory " + spool + ": " + e.getMessage(), e);
        }
        running = true;
        pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "dr4j-wal-prefetch");
            t.setDaemon(true);
            return t;
        });
        coordinator = new Thread(this::coordinate, "dr4j-wal-prefetch-coordinator");
        coordinator.setDaemon(true);
        coordinator.start();
        log.info("WAL prefetcher: serving timeline {} from {} into {} ({} parallel, {} ahead)", history.timeline(),
                startSegment == null ? "the first request" : startSegment, spool, parallelism, depth);
        return this;
    }

    /** The value for {@code restore_command} (the script with {@code %f %p}). */
    public String restoreCommand() {
        return shellQuote(spool.resolve(SCRIPT).toString()) + " %f %p";
    }

    public Path scriptPath() {
        return spool.resolve(SCRIPT);
    }

    public Path spoolDir() {
        return spool;
    }

    /** The timeline history recovery follows (after {@link #start()}). */
    public TimelineHistory history() {
        return Objects.requireNonNull(history, "not started");
    }

    public Stats stats() {
        return new Stats(fetched.get(), fetchedBytes.get(), served.get(), notFound.get());
    }

    /** Stops fetching and removes the spool's WAL files (the directory and the script stay). */
    @Override
    public synchronized void close() {
        running = false;
        if (coordinator != null) {
            coordinator.interrupt();
            try {
                coordinator.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> s = Files.list(spool)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals(SCRIPT)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            log.warn("Could not clean the WAL prefetch directory {}: {}", spool, e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ coordinator

    private void coordinate() {
        long lastBeat = 0;
        while (running) {
            try {
                long now = System.nanoTime();
                if (now - lastBeat > 500_000_000L) {
                    heartbeat();
                    lastBeat = now;
                }
                handleRequests();
                noticeConsumed();
                schedule();
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("WAL prefetcher: {}", e.toString());
            }
        }
    }

    private void heartbeat() throws IOException {
        Path hb = spool.resolve(HEARTBEAT);
        if (!Files.exists(hb)) {
            Files.writeString(hb, "dr4j WAL prefetcher heartbeat\n");
        }
        Files.setLastModifiedTime(hb, FileTime.fromMillis(System.currentTimeMillis()));
    }

    private void handleRequests() throws IOException {
        Set<String> wants = new HashSet<>();
        try (Stream<Path> s = Files.list(spool)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".want")).forEach(wants::add);
        }
        if (!wants.isEmpty()) {
            requested = true;
        }
        for (String w : wants) {
            String name = w.substring(0, w.length() - ".want".length());
            if (!WalArchive.isWalFileName(name)) {
                Files.deleteIfExists(spool.resolve(w));
                continue;
            }
            if (WalArchive.isSegmentName(name)) {
                long seg = WalPositions.segmentNumberOf(name, segmentSize);
                if (seg - 1 > cursor) {
                    cursor = seg - 1;
                }
            }
            if (!inFlight.contains(name) && !Files.exists(spool.resolve(name))) {
                submit(name, true);
            }
        }
    }

    private void noticeConsumed() {
        for (String name : ready) {
            if (!Files.exists(spool.resolve(name))) {
                ready.remove(name);
                served.incrementAndGet();
                if (WalArchive.isSegmentName(name)) {
                    long seg = WalPositions.segmentNumberOf(name, segmentSize);
                    if (seg > cursor) {
                        cursor = seg;
                    }
                }
            }
        }
    }

    private void schedule() {
        TimelineHistory h = history;
        if (cursor < 0 || h == null || deferred && !requested) {
            return;
        }
        for (long seg = cursor + 1; seg <= cursor + depth && seg < endSegment; seg++) {
            if (inFlight.size() + ready.size() >= depth) {
                return;
            }
            String name = WalPositions.segmentName(h.timelineForSegment(seg, segmentSize), seg, segmentSize);
            if (inFlight.contains(name) || ready.contains(name) || Files.exists(spool.resolve(name))
                    || Files.exists(spool.resolve(name + ".missing"))) {
                continue;
            }
            submit(name, false);
        }
    }

    private void submit(String name, boolean requested) {
        ExecutorService p = pool;
        if (p == null || !inFlight.add(name)) {
            return;
        }
        p.execute(() -> {
            try {
                fetchOne(name, requested);
            } finally {
                inFlight.remove(name);
            }
        });
    }

    private void fetchOne(String name, boolean requested) {
        Path dest = spool.resolve(name);
        // fetched under a name the restore_command never serves, given to the server's user, then renamed: the script
        // may move a visible file into pg_wal at once, and a root-owned one there cannot be opened by the server
        Path staging = spool.resolve(".fetching-" + name);
        Exception last = null;
        for (int attempt = 1; attempt <= 3 && running; attempt++) {
            try {
                WalFetch.Outcome o = new WalFetch(repository).servePartial(servePartial)
                        .durable(false) // a transient copy: a crash restarts the recovery, and the prefetcher with it
                        .fetch(name, staging);
                if (o == WalFetch.Outcome.NOT_FOUND) {
                    notFound.incrementAndGet();
                    marker(name + ".missing", "");
                    if (WalArchive.isSegmentName(name)) {
                        endSegment = Math.min(endSegment, WalPositions.segmentNumberOf(name, segmentSize));
                    }
                } else {
                    if (o == WalFetch.Outcome.FOUND_PARTIAL) {
                        endSegment = Math.min(endSegment, WalPositions.segmentNumberOf(name, segmentSize) + 1);
                        log.info("WAL prefetcher: serving partial segment {} (the newest WAL archived)", name);
                    }
                    fetched.incrementAndGet();
                    fetchedBytes.addAndGet(Files.size(staging));
                    Processes.chownTo(staging, owner);
                    Files.move(staging, dest, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    ready.add(name);
                }
                Files.deleteIfExists(spool.resolve(name + ".want"));
                return;
            } catch (Exception e) {
                last = e;
                log.warn("WAL prefetcher: could not fetch {} (attempt {}): {}", name, attempt, e.toString());
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        if (last != null && requested) {
            try {
                marker(name + ".error", "dr4j WAL prefetcher could not fetch " + name + ": " + last.getMessage() + "\n");
                Files.deleteIfExists(spool.resolve(name + ".want"));
            } catch (IOException e) {
                log.warn("WAL prefetcher: {}", e.toString());
            }
        }
    }

    private void marker(String file, String content) throws IOException {
        Path tmp = spool.resolve("." + file + ".tmp");
        Files.writeString(tmp, content);
        Processes.chownTo(tmp, owner);
        Files.move(tmp, spool.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // ------------------------------------------------------------------------------------------------ script

    private String script() {
        // the first 50 polls 10 ms apart (a file asked for is often there within tens of milliseconds), then 50 ms
        long iterations = Math.max(1, maxWait.toMillis() / 50) + 40;
        String fallback = fallbackCommand == null ? "" : fallbackCommand;
        return "#!/bin/sh\n"
                + "# restore_command generated by dr4j's WalPrefetcher: serves WAL files fetched ahead into this directory.\n"
                + "# Usage: restore-wal.sh %f %p. Exit 0 = restored, 1 = not in the repository, 200 = error (recovery aborts).\n"
                + "spool=" + shellQuote(spool.toString()) + "\n"
                + "fallback=" + shellQuote(fallback) + "\n"
                + "f=\"$1\"; p=\"$2\"\n"
                + "case \"$f\" in ''|*/*|.*) echo \"restore-wal.sh: invalid WAL file name '$f'\" >&2; exit 2;; esac\n"
                + "run_fallback() {\n"
                + "  if [ -n \"$fallback\" ]; then\n"
                + "    cmd=$(printf '%s' \"$fallback\" | sed -e \"s|%f|$f|g\" -e \"s|%p|$p|g\")\n"
                + "    exec sh -c \"$cmd\"\n"
                + "  fi\n"
                + "  echo \"restore-wal.sh: $1\" >&2\n"
                + "  exit 200\n"
                + "}\n"
                + "i=0\n"
                + "while :; do\n"
                + "  if [ -f \"$spool/$f\" ]; then\n"
                + "    if mv -f \"$spool/$f\" \"$p\" 2>/dev/null; then exit 0; fi\n"
                + "    if cp \"$spool/$f\" \"$p\"; then rm -f \"$spool/$f\"; exit 0; fi\n"
                + "  fi\n"
                + "  if [ -f \"$spool/$f.missing\" ]; then rm -f \"$spool/$f.missing\"; exit 1; fi\n"
                + "  if [ -f \"$spool/$f.error\" ]; then msg=$(cat \"$spool/$f.error\"); rm -f \"$spool/$f.error\"; run_fallback \"$msg\"; fi\n"
                + "  [ -f \"$spool/$f.want\" ] || : > \"$spool/$f.want\"\n"
                + "  if [ $((i % 20)) -eq 0 ]; then\n"
                + "    hb=$(stat -c %Y \"$spool/" + HEARTBEAT + "\" 2>/dev/null || echo 0)\n"
                + "    if [ $(( $(date +%s) - hb )) -gt 15 ]; then run_fallback \"the dr4j WAL prefetcher serving $spool is not running\"; fi\n"
                + "  fi\n"
                + "  i=$((i + 1))\n"
                + "  if [ $i -gt " + iterations + " ]; then run_fallback \"timed out waiting for $f from the dr4j WAL prefetcher\"; fi\n"
                + "  if [ $i -le 50 ]; then sleep 0.01; else sleep 0.05; fi\n"
                + "done\n";
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Configures a {@link WalPrefetcher}. */
    public static final class Builder {
        private final Repository repository;
        private final Path spoolDir;
        private @Nullable Long timeline;
        private @Nullable String startSegment;
        private int parallelism = 4;
        private int depth;
        private boolean servePartial = true;
        private @Nullable String fallbackCommand;
        private Duration maxWait = Duration.ofMinutes(10);
        private long segmentSize = WalPositions.DEFAULT_SEGMENT_SIZE;
        private @Nullable FileOwner owner;
        private boolean deferred;

        private Builder(Repository repository, Path spoolDir) {
            this.repository = Objects.requireNonNull(repository, "repository");
            this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir");
        }

        /** The recovery target timeline (default: the newest timeline in the repository). */
        public Builder timeline(long tli) {
            this.timeline = tli;
            return this;
        }

        /** The first segment recovery reads (the backup's start segment); without it, fetching starts on request. */
        public Builder startSegment(String segmentName) {
            if (!WalArchive.isSegmentName(segmentName)) {
                throw new IllegalArgumentException("Not a WAL segment name: " + segmentName);
            }
            this.startSegment = segmentName;
            return this;
        }

        /** Parallel downloads (default 4). */
        public Builder parallelism(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("parallelism must be 1..64, was " + n);
            }
            this.parallelism = n;
            return this;
        }

        /** Segments fetched ahead of recovery (default twice the parallelism): bounds the spool's disk use. */
        public Builder depth(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("depth must be positive, was " + n);
            }
            this.depth = n;
            return this;
        }

        /** Serve the newest partial segment zero-padded when the complete one is not archived (default true). */
        public Builder servePartial(boolean serve) {
            this.servePartial = serve;
            return this;
        }

        /** A command ({@code %f}, {@code %p}) the script runs when the prefetcher cannot answer. */
        public Builder fallbackCommand(String command) {
            this.fallbackCommand = command;
            return this;
        }

        /** How long the script waits for a file before giving up with an error (default 10 min). */
        public Builder maxWait(Duration d) {
            this.maxWait = d;
            return this;
        }

        /** WAL segment size of the cluster (default 16 MiB). */
        public Builder segmentSize(long bytes) {
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Who the spool and every file served must belong to (when this JVM is root): the user the recovering server
         * runs as. Default: the {@code postgres} OS user of this machine; e.g. uid 999 for a server in a container.
         */
        public Builder owner(@Nullable FileOwner owner) {
            this.owner = owner;
            return this;
        }

        /**
         * Fetch nothing ahead until recovery has asked for its first file (default: from {@link #startSegment} on
         * at once). For a spool inside the data directory: a restored server starts with crash recovery, which
         * fsyncs every file of its data directory before it reads any WAL, so segments fetched ahead before then
         * (never fsynced here: the spool is transient) would be written out to disk while the server waits.
         */
        public Builder untilFirstRequest() {
            this.deferred = true;
            return this;
        }

        public WalPrefetcher build() {
            return new WalPrefetcher(this);
        }
    }
}
