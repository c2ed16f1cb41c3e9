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
 * verified against its SHA-256 and written, then all of them fsynced in one parallel pass (and their
 * directories); in delta mode files already matching are kept and files the backup does not have are removed.
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
        if (rel.startsWith("pg_tblspc/")) {
            String rest = rel.substring("pg_tblspc/".length());
            int slash = rest.indexOf('/');
            if (slash > 0 && tablespaces.containsKey(rest.substring(0, slash))) {
                return io.dr4j.postgres.reliability.SafeRestorePaths.resolve(tablespaces.get(rest.substring(0, slash)),
                        rest.substring(slash + 1));
            }
        }
        // never dest.resolve(rel): a tampered manifest must not write outside the data directory
        return io.dr4j.postgres.reliability.SafeRestorePaths.resolve(dest, rel);
    }

    static Stats download(Repository repository, BackupManifest backup, Path dest, Map<String, Path> tablespaces,
                           RestoreRequest request, ProgressTracker progress) throws IOException {
        Stats stats = new Stats();
        List<BackupFile> files = new ArrayList<>(backup.files());
        Set<Path> wanted = new HashSet<>();
        for (Path t : tablespaces.values()) {
            Files.createDirectories(t);
            wanted.add(t);
        }
        // directories and links first
        for (BackupFile f : files) {
            Path p = f.kind() == BackupFile.Kind.LINK
                    ? io.dr4j.postgres.reliability.SafeRestorePaths.resolveLink(dest, f.path())
                    : local(f.path(), dest, tablespaces);
            wanted.add(p);
            if (f.kind() == BackupFile.Kind.DIRECTORY) {
                Files.createDirectories(p);
                setMode(p, f.mode() > 0 ? f.mode() : 0700);
            } else if (f.kind() == BackupFile.Kind.LINK) {
                String oid = f.path().startsWith("pg_tblspc/") ? f.path().substring("pg_tblspc/".length()) : null;
                Path target = oid != null && tablespaces.containsKey(oid) ? tablespaces.get(oid)
                        : Path.of(Objects.requireNonNull(f.linkTarget()));
                Files.createDirectories(p.getParent());
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
                Files.createSymbolicLink(p, target);
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
        java.util.Queue<Path> written = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            BackupFile control = null;
            for (BackupFile f : content) {
                if (f.path().equals(CONTROL_FILE)) {
                    control = f; // written last, see below
                    continue;
                }
                futures.add(pool.submit(() -> {
                    Path p = local(f.path(), dest, tablespaces);
                    if (f.path().equals("tablespace_map") && !tablespaces.isEmpty()) {
                        writeTablespaceMap(p, tablespaces);
                        written.add(p);
                    } else if (request.delta() && sameContent(p, f)) {
                        stats.skipped.incrementAndGet();
                        progress.addBytes(f.size());
                    } else {
                        fetch(repository, f, p, progress);
                        written.add(p);
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
            syncAll(pool, written, dest);
            // global/pg_control last, after everything else is durable: a data directory whose restore failed
            // half-way has none, and no server starts on it by accident (docs/reliability.md, "Disk full on restore")
            if (control != null) {
                // into a temporary name first: a fetch that fails half-way leaves no (truncated) pg_control behind
                Path cp = local(control.path(), dest, tablespaces);
                Path partial = cp.resolveSibling(cp.getFileName() + ".dr4j-partial");
                try {
                    fetch(repository, control, partial, progress);
                    syncAll(pool, List.of(partial), dest);
                    Files.move(partial, cp, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
                syncAll(pool, List.of(cp), dest);
                stats.files.incrementAndGet();
                stats.bytes.addAndGet(control.size());
                progress.addItem();
            }
        } finally {
            pool.shutdownNow();
        }
        return stats;
    }

    /**
     * Makes the restored files durable in one pass after all are written (instead of an fsync right after each
     * file): the kernel has written most of them back by then, and the fsyncs run on all of the pool's threads.
     * Then the directories holding them, so that their entries survive a crash too.
     */
    private static void syncAll(ExecutorService pool, java.util.Collection<Path> files, Path dest) throws IOException {
        Set<Path> dirs = new HashSet<>();
        List<Future<?>> futures = new ArrayList<>();
        for (Path p : files) {
            dirs.add(p.getParent());
            futures.add(pool.submit(() -> {
                fsync(p, false);
                return null;
            }));
        }
        waitAll(futures, dest);
        futures.clear();
        for (Path d : dirs) {
            futures.add(pool.submit(() -> {
                fsync(d, true);
                return null;
            }));
        }
        waitAll(futures, dest);
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

    private static void fetch(Repository repository, BackupFile f, Path p, ProgressTracker progress) throws IOException {
        Files.createDirectories(p.getParent());
        try (InputStream in = repository.read(Objects.requireNonNull(f.objectKey(), f.path()), f.sha256(), f.size());
             FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            // no larger than the file plus one byte (its end is seen in the same read): most files are a few KiB
            byte[] buf = new byte[(int) Math.min(1 << 18, Math.max(8192, f.size() + 1))];
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                progress.addBytes(n);
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
