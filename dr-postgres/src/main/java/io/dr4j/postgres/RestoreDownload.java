package io.dr4j.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.postgres.backup.ProgressTracker;

/**
 * The download phase of a restore: directories and links first, then files in parallel, each decompressed,
 * verified (size and CRC-32C, or SHA-256: {@link RestoreRequest#CHECKSUM}) and written, given to the server's user,
 * and fsynced by a {@link Syncer} while the next ones are written (then their directories); in delta mode files already matching are kept and files the backup does not have are
 * removed. {@code global/pg_control} comes last, once everything else is durable.
 */
final class RestoreDownload {
    private RestoreDownload() {
    }

    /** The file without which PostgreSQL does not start: restored after every other file. */
    static final String CONTROL_FILE = "global/pg_control";

    static final class Stats {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong files = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong removed = new AtomicLong();
    }

    private static Path local(String rel, Path dest, Map<String, Path> tablespaces) {
        return local(rel, dest, tablespaces, false, Set.of());
    }

    /**
     * Where an entry goes: in its tablespace's directory or below {@code dest}. Never {@code dest.resolve(rel)}: a
     * tampered manifest must not write outside the data directory. {@code lexical}: only the path, for the list of
     * what the restore makes — the symbolic links on the way are checked where the file is written.
     */
    private static Path local(String rel, Path dest, Map<String, Path> tablespaces, boolean lexical,
                              Set<Path> checked) {
        Path root = dest;
        String below = rel;
        if (rel.startsWith("pg_tblspc/")) {
            String rest = rel.substring("pg_tblspc/".length());
            int slash = rest.indexOf('/');
            if (slash > 0 && tablespaces.containsKey(rest.substring(0, slash))) {
                root = tablespaces.get(rest.substring(0, slash));
                below = rest.substring(slash + 1);
            }
        }
        return lexical ? io.dr4j.postgres.reliability.SafeRestorePaths.lexical(root, below)
                : io.dr4j.postgres.reliability.SafeRestorePaths.resolve(root, below, checked);
    }

    /**
     * @param give gives each directory, link and file to the server's user as it is made, before it is fsynced (when
     *             root; see {@link io.dr4j.postgres.internal.Processes#giverTo})
     */
    static Stats download(Repository repository, BackupManifest backup, Path dest, Map<String, Path> tablespaces,
                           RestoreRequest request, ProgressTracker progress,
                           io.dr4j.postgres.internal.Processes.PathGiver give) throws IOException {
        Stats stats = new Stats();
        List<BackupFile> files = new ArrayList<>(backup.files());
        Set<Path> wanted = new HashSet<>();
        for (Path t : tablespaces.values()) {
            Files.createDirectories(t);
            wanted.add(t);
        }
        // directories and links first (a file's path is checked on disk by the thread that writes it, below the
        // directories made here: checked once, and never symbolic links)
        Set<Path> made = new HashSet<>();
        for (BackupFile f : files) {
            Path p = f.kind() == BackupFile.Kind.LINK
                    ? io.dr4j.postgres.reliability.SafeRestorePaths.resolveLink(dest, f.path())
                    : local(f.path(), dest, tablespaces, f.kind() == BackupFile.Kind.FILE, Set.of());
            wanted.add(p);
            if (f.kind() == BackupFile.Kind.DIRECTORY) {
                Files.createDirectories(p);
                made.add(p);
                setMode(p, f.mode() > 0 ? f.mode() : 0700);
                give.give(p);
            } else if (f.kind() == BackupFile.Kind.LINK) {
                String oid = f.path().startsWith("pg_tblspc/") ? f.path().substring("pg_tblspc/".length()) : null;
                Path target = oid != null && tablespaces.containsKey(oid) ? tablespaces.get(oid)
                        : Path.of(Objects.requireNonNull(f.linkTarget()));
                Files.createDirectories(p.getParent());
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
                Files.createSymbolicLink(p, target);
                give.give(p);
            }
        }
        if (request.delta()) {
            removeStrays(dest, wanted, stats);
            for (Path t : tablespaces.values()) {
                removeStrays(t, wanted, stats);
            }
        }
        List<BackupFile> content = files.stream().filter(f -> f.kind() == BackupFile.Kind.FILE)
                .sorted(Comparator.comparingLong(BackupFile::size).reversed()).toList();
        progress.phase("download", content.stream().mapToLong(BackupFile::size).sum(), content.size());
        ExecutorService pool = Executors.newFixedThreadPool(request.effectiveParallelism(), r -> {
            Thread t = new Thread(r, "dr4j-restore");
            t.setDaemon(true);
            return t;
        });
        Syncer syncer = new Syncer(dest);
        Set<Path> directories = Set.copyOf(wanted); // created above: no mkdir per file for them
        Set<Path> checkedDirectories = Set.copyOf(made);
        try {
            List<Future<?>> futures = new ArrayList<>();
            BackupFile control = null;
            for (BackupFile f : content) {
                if (f.path().equals(CONTROL_FILE)) {
                    control = f; // written last, see below
                    continue;
                }
                futures.add(pool.submit(() -> {
                    Path p = local(f.path(), dest, tablespaces, false, checkedDirectories);
                    if (f.path().equals("tablespace_map") && !tablespaces.isEmpty()) {
                        writeTablespaceMap(p, tablespaces);
                        give.give(p);
                        syncer.written(p);
                    } else if (request.delta() && sameContent(p, f)) {
                        stats.skipped.incrementAndGet();
                        progress.addBytes(f.size());
                    } else {
                        fetch(repository, f, request.crc32cToCheck(f), p, progress, syncer, directories);
                        give.give(p);
                        syncer.written(p);
                        stats.files.incrementAndGet();
                        stats.bytes.addAndGet(f.size());
                    }
                    progress.addItem();
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                try {
                    fu.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable c = e.getCause();
                    if (c instanceof DrException d) {
                        throw d;
                    }
                    throw new RestoreFailedException("Restoring files into " + dest + " failed: " + c, c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RestoreFailedException("Restore interrupted", e);
                }
            }
            syncer.awaitDurable();
            // global/pg_control last, after everything else is durable: a data directory whose restore failed
            // half-way has none, and no server starts on it by accident (docs/reliability.md, "Disk full on restore")
            if (control != null) {
                // into a temporary name first: a fetch that fails half-way leaves no (truncated) pg_control behind
                Path cp = local(control.path(), dest, tablespaces);
                Path partial = cp.resolveSibling(cp.getFileName() + ".dr4j-partial");
                try {
                    fetch(repository, control, request.crc32cToCheck(control), partial, progress, null, directories);
                    give.give(partial);
                    fsync(partial, false);
                    Files.move(partial, cp, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
                fsync(cp, false);
                fsync(cp.getParent(), true);
                stats.files.incrementAndGet();
                stats.bytes.addAndGet(control.size());
                progress.addItem();
            }
        } finally {
            pool.shutdownNow();
            syncer.close();
        }
        return stats;
    }

    /**
     * Makes restored files durable while the restore goes on: each file is fsynced on a thread of its own as soon as
     * it is written (it used to be one pass over all files at the end: on a machine with plenty of memory nothing had
     * been written back by then, and that pass waited for the whole data directory, ~0.5 s of a 1.5 s download of
     * 0.8 GB), and a large file gets its writeback started every {@link #FLUSH_EVERY} bytes while it is still being
     * written. {@link #awaitDurable()} waits for all, then fsyncs the directories. Failures of any of these fsyncs
     * fail the restore (a writeback error is reported once, to the descriptor that was open when it happened).
     */
    static final class Syncer implements AutoCloseable {
        static final long FLUSH_EVERY = 32L << 20;
        private final Path dest;
        private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dr4j-fsync");
            t.setDaemon(true);
            return t;
        });
        private final java.util.Queue<Future<?>> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final Set<Path> dirs = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Syncer(Path dest) {
            this.dest = dest;
        }

        /** {@code p} is written and closed: fsync it. */
        void written(Path p) {
            dirs.add(p.getParent());
            fsyncLater(p, null);
        }

        /**
         * Starts the writeback of what was written of {@code p} so far, unless the previous one for the same file
         * is still running ({@code flushing} tracks that); the writer does not wait.
         */
        void flush(Path p, java.util.concurrent.atomic.AtomicBoolean flushing) {
            if (flushing.compareAndSet(false, true)) {
                fsyncLater(p, flushing);
            }
        }

        /** fsyncs {@code p} on the syncer's threads; clears {@code done} afterwards, when given. */
        private void fsyncLater(Path p, java.util.concurrent.atomic.@org.jspecify.annotations.Nullable AtomicBoolean done) {
            pending.add(threads.submit(() -> {
                try {
                    fsync(p, false);
                } finally {
                    if (done != null) {
                        done.set(false);
                    }
                }
                return null;
            }));
        }

        /** Waits until every file handed over is durable, then fsyncs their directories. */
        void awaitDurable() throws IOException {
            List<Future<?>> all = new ArrayList<>();
            Future<?> f;
            while ((f = pending.poll()) != null) {
                all.add(f);
            }
            waitAll(all, dest);
            all.clear();
            for (Path d : dirs) {
                all.add(threads.submit(() -> {
                    fsync(d, true);
                    return null;
                }));
            }
            waitAll(all, dest);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    private static void fsync(Path p, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw new IOException("Could not fsync the restored file " + p + ": " + e.getMessage(), e);
            }
            // some file systems cannot open directories for fsync; the files themselves are durable
        }
    }

    private static void waitAll(List<Future<?>> futures, Path dest) throws IOException {
        for (Future<?> fu : futures) {
            try {
                fu.get();
            } catch (ExecutionException e) {
                futures.forEach(x -> x.cancel(true));
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new RestoreFailedException("Syncing the restored files in " + dest + " failed: " + e.getCause(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RestoreFailedException("Restore interrupted", e);
            }
        }
    }

    private static void writeTablespaceMap(Path p, Map<String, Path> tablespaces) throws IOException {
        StringBuilder sb = new StringBuilder();
        tablespaces.forEach((oid, path) -> sb.append(oid).append(' ').append(path).append('\n'));
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
    }

    private static void removeStrays(Path root, Set<Path> wanted, Stats stats) throws IOException {
        List<Path> strays = new ArrayList<>();
        Set<Path> tablespaceRoots = new HashSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !p.equals(root) && !wanted.contains(p)).forEach(strays::add);
        }
        strays.sort(Comparator.reverseOrder());
        for (Path p : strays) {
            if (tablespaceRoots.contains(p) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && hasWanted(p, wanted)) {
                continue;
            }
            try (Stream<Path> w = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Files.list(p) : Stream.empty()) {
                if (w.findAny().isPresent()) {
                    continue;
                }
            }
            Files.deleteIfExists(p);
            stats.removed.incrementAndGet();
        }
    }

    private static boolean hasWanted(Path dir, Set<Path> wanted) {
        for (Path w : wanted) {
            if (w.startsWith(dir) && !w.equals(dir)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameContent(Path p, BackupFile f) throws IOException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != f.size() || f.sha256() == null) {
            return false;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest()).equals(f.sha256());
    }

    /** Downloads {@code f} into {@code p}, checked against {@code crc32c} when given, else against its SHA-256. */
    private static void fetch(Repository repository, BackupFile f, @org.jspecify.annotations.Nullable String crc32c,
                              Path p, ProgressTracker progress,
                              @org.jspecify.annotations.Nullable Syncer syncer, Set<Path> directories)
            throws IOException {
        if (!directories.contains(p.getParent())) {
            Files.createDirectories(p.getParent());
        }
        try (InputStream in = repository.read(Objects.requireNonNull(f.objectKey(), f.path()), f.sha256(), crc32c,
                f.size());
             FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            // no larger than the file plus one byte (its end is seen in the same read): most files are a few KiB
            byte[] buf = new byte[(int) Math.min(1 << 18, Math.max(8192, f.size() + 1))];
            java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();
            long sinceFlush = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                progress.addBytes(n);
                sinceFlush += n;
                if (syncer != null && sinceFlush >= Syncer.FLUSH_EVERY) {
                    syncer.flush(p, flushing);
                    sinceFlush = 0;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        setMode(p, f.mode() > 0 ? f.mode() : 0600);
        if (f.modifiedAt() != null) {
            Files.setLastModifiedTime(p, FileTime.from(f.modifiedAt()));
        }
    }

    private static void setMode(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                perms.add(all[i]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
    }
}
