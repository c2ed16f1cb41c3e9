package io.dr4j.postgres.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.postgres.internal.Processes;

/**
 * The default {@link WalSpoolFiller}: a few threads of this JVM fetch WAL files from the repository (verified
 * against their SHA-256) into the spool, in replay order, at most {@code lookAhead} segments ahead of what
 * PostgreSQL asked for last; segments well behind replay are removed so the spool stays small.
 */
public final class InJvmWalSpoolFiller implements WalSpoolFiller {
    private final int threads;

    public InJvmWalSpoolFiller(int threads) {
        this.threads = Math.max(1, threads);
    }

    @Override
    public Handle start(Request r) {
        Path spoolDir = r.spoolDir();
        String command;
        try {
            Files.createDirectories(spoolDir);
            Files.write(spoolDir.resolve(".expected"), r.files().stream().map(WalSegment::name).toList());
            command = RestoreCommandScript.write(spoolDir, 600);
            Processes.chownTo(spoolDir, r.owner());
        } catch (IOException e) {
            throw new RestoreFailedException("Could not prepare the WAL spool " + spoolDir + ": " + e.getMessage(), e);
        }
        Fill fill = new Fill(r.repository(), r.files(), spoolDir, r.lookAhead(), threads, command, r.owner());
        fill.begin();
        return fill;
    }

    private static final class Fill implements Handle {
        private final Repository repository;
        private final List<WalSegment> files;
        private final Map<String, Integer> index = new HashMap<>();
        private final Path spool;
        private final int lookAhead;
        private final ExecutorService pool;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean closed;
        private final String command;
        private final io.dr4j.postgres.cluster.@org.jspecify.annotations.Nullable FileOwner owner;

        Fill(Repository repository, List<WalSegment> files, Path spool, int lookAhead, int threads, String command,
             io.dr4j.postgres.cluster.@org.jspecify.annotations.Nullable FileOwner owner) {
            this.command = command;
            this.owner = owner;
            this.repository = repository;
            this.files = new ArrayList<>(files);
            for (int i = 0; i < files.size(); i++) {
                index.put(files.get(i).name(), i);
            }
            this.spool = spool;
            this.lookAhead = lookAhead;
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "dr4j-wal-spool");
                t.setDaemon(true);
                return t;
            });
        }

        void begin() {
            if (files.isEmpty()) {
                markComplete();
                return;
            }
            for (int t = 0; t < ((java.util.concurrent.ThreadPoolExecutor) pool).getCorePoolSize(); t++) {
                pool.submit(this::work);
            }
        }

        private void work() {
            try {
                int i;
                while (!closed && failure.get() == null && (i = next.getAndIncrement()) < files.size()) {
                    waitForRoom(i);
                    fetch(files.get(i));
                    if (done.incrementAndGet() == files.size()) {
                        markComplete();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                try {
                    Files.writeString(spool.resolve(".failed"), "dr4j: WAL fetch failed: " + e.getMessage() + "\n");
                } catch (IOException ignored) {
                    // the script times out instead
                }
            }
        }

        private int consumed() {
            try {
                String last = Files.readString(spool.resolve(".last")).strip();
                Integer i = index.get(last);
                return i == null ? -1 : i;
            } catch (IOException e) {
                return -1;
            }
        }

        private void waitForRoom(int i) throws InterruptedException {
            if (lookAhead <= 0) {
                return;
            }
            while (!closed) {
                int c = consumed();
                cleanBehind(c);
                if (i <= c + lookAhead) {
                    return;
                }
                Thread.sleep(50);
            }
        }

        private void cleanBehind(int consumed) {
            for (int k = 0; k < consumed - 8; k++) {
                WalSegment s = files.get(k);
                if (s.isSegment()) {
                    try {
                        Files.deleteIfExists(spool.resolve(s.name()));
                    } catch (IOException ignored) {
                        // retried on the next pass
                    }
                }
            }
        }

        private void fetch(WalSegment s) throws IOException {
            Path tmp = spool.resolve("." + s.name() + ".tmp");
            try (InputStream in = repository.wal().read(s);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(java.nio.ByteBuffer.wrap(buf, 0, n));
                    bytes.addAndGet(n);
                }
            }
            Processes.chownTo(tmp, owner);
            Files.move(tmp, spool.resolve(s.name()), StandardCopyOption.ATOMIC_MOVE);
        }

        private void markComplete() {
            try {
                Files.writeString(spool.resolve(".complete"), "ok\n");
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }

        @Override
        public void awaitComplete(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (done.get() < files.size()) {
                Throwable f = failure.get();
                if (f != null) {
                    throw new RestoreFailedException("Fetching WAL into " + spool + " failed: " + f.getMessage(), f);
                }
                if (System.nanoTime() > deadline) {
                    throw new RestoreFailedException("Fetching WAL into " + spool + " did not finish within " + timeout);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RestoreFailedException("Interrupted while fetching WAL", e);
                }
            }
        }

        @Override
        public String restoreCommand() {
            return command;
        }

        @Override
        public long bytes() {
            return bytes.get();
        }

        @Override
        public void close() {
            closed = true;
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
