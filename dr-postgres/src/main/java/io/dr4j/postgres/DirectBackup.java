package io.dr4j.postgres;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.postgres.backup.Exclusions;
import io.dr4j.postgres.backup.FileUploader;
import io.dr4j.postgres.backup.ProgressTracker;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Direct mode: pg_backup_start, parallel file copy, pg_backup_stop, all on one held session. */
final class DirectBackup {
    private static final Logger log = LoggerFactory.getLogger(DirectBackup.class);

    private final PostgresCluster cluster;
    private final ServerInfo info;
    private final BackupRequest request;
    private final BackupSession session;
    private final Map<String, BackupFile> prior;
    private final @Nullable Instant priorStart;
    private final ProgressTracker progress;
    private final PostgresBackupSource.Run run;
    private final Set<String> skipped = new java.util.HashSet<>();

    DirectBackup(PostgresCluster cluster, ServerInfo info, BackupRequest request, BackupSession session,
                 Map<String, BackupFile> prior, @Nullable Instant priorStart, ProgressTracker progress, PostgresBackupSource.Run run) {
        this.cluster = cluster;
        this.info = info;
        this.request = request;
        this.session = session;
        this.prior = prior;
        this.priorStart = priorStart;
        this.progress = progress;
        this.run = run;
    }

    FileUploader run(String id) throws IOException {
        Path dataDir = cluster.dataDir().orElseThrow();
        if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
            throw new BackupFailedException(dataDir + " is not a PostgreSQL data directory (no PG_VERSION)");
        }
        boolean fast = !"false".equalsIgnoreCase(request.options().getOrDefault("fast-checkpoint", "true"));
        String label = request.options().getOrDefault("label", "dr4j " + id);
        try (Connection c = cluster.connect()) {
            info.requireBackupRights(c);
            String startSql = info.majorVersion() >= 15 ? "select pg_backup_start(?, ?)::text"
                    : "select pg_start_backup(?, ?, false)::text";
            try (PreparedStatement ps = c.prepareStatement(startSql)) {
                ps.setString(1, label);
                ps.setBoolean(2, fast);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    run.startLsn = Lsn.parse(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new BackupFailedException("Could not start the backup: " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("permission denied")
                        ? ". As a superuser run: " + info.backupGrants() : ""), e);
            }
            run.props.put("startNextXid", PostgresCluster.queryString(c, "select pg_snapshot_xmax(pg_current_snapshot())::text"));
            boolean stopped = false;
            FileUploader uploader;
            try {
                uploader = new FileUploader(session, prior, priorStart, run.startLsn, info.dataChecksums(),
                        progress);
                uploader.commitAsynchronously(Math.max(2, request.effectiveParallelism()));
                uploader.compressLargeFilesWith(request.effectiveParallelism());
                try {
                    copy(dataDir, uploader);
                } catch (IOException | RuntimeException e) {
                    try {
                        uploader.awaitCommits(); // let the started commits end before the failure is reported
                    } catch (IOException | RuntimeException also) {
                        e.addSuppressed(also);
                    }
                    throw e;
                }
                uploader.awaitCommits();
                String stopSql = info.majorVersion() >= 15
                        ? "select lsn::text, labelfile, spcmapfile from pg_backup_stop(false)"
                        : "select lsn::text, labelfile, spcmapfile from pg_stop_backup(false, false)";
                try (var st = c.createStatement(); ResultSet rs = st.executeQuery(stopSql)) {
                    rs.next();
                    run.stopLsn = Lsn.parse(rs.getString(1));
                    run.labelFile = rs.getString(2);
                    run.spcmapFile = rs.getString(3);
                }
                stopped = true;
                run.props.put("stopNextXid", PostgresCluster.queryString(c,
                        "select pg_snapshot_xmax(pg_current_snapshot())::text"));
            } finally {
                if (!stopped) {
                    log.warn("Backup {} failed; the backup session on the server ends with the connection", id);
                }
            }
            run.timeline = BackupLabel.parse(Objects.requireNonNull(run.labelFile)).timeline();
            return uploader;
        } catch (SQLException e) {
            throw new BackupFailedException("Backup of " + cluster + " failed: " + e.getMessage(), e);
        }
    }

    private void copy(Path dataDir, FileUploader uploader) throws IOException {
        List<Entry> entries = new ArrayList<>();
        walk(dataDir, "", entries, skipped);
        long total = entries.stream().filter(e -> e.kind == BackupFile.Kind.FILE).mapToLong(e -> e.size).sum();
        progress.phase("copy", total, entries.stream().filter(e -> e.kind == BackupFile.Kind.FILE).count());
        ExecutorService pool = Executors.newFixedThreadPool(request.effectiveParallelism(), r -> {
            Thread t = new Thread(r, "dr4j-backup");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            // biggest first: the long files start early and the pool drains evenly
            entries.sort((a, b) -> Long.compare(b.size, a.size));
            for (Entry e : entries) {
                switch (e.kind) {
                    case DIRECTORY -> run.files.add(BackupFile.directory(e.rel, e.mode));
                    case LINK -> run.files.add(BackupFile.link(e.rel, Objects.requireNonNull(e.linkTarget)));
                    case FILE -> futures.add(pool.submit(() -> {
                        Optional<BackupFile> f = uploader.unchanged(e.rel, e.size, e.mtime);
                        if (f.isEmpty()) {
                            f = uploader.uploadLocal(e.rel, e.path, e.mtime, e.mode);
                        } else {
                            progress.addBytes(e.size);
                        }
                        f.ifPresent(run.files::add);
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable cause = ex.getCause();
                    if (cause instanceof DrException d) {
                        throw d;
                    }
                    throw new BackupFailedException("Copying the data directory failed: " + cause, cause);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new BackupFailedException("Backup interrupted", ex);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private record Entry(String rel, Path path, BackupFile.Kind kind, long size, Instant mtime, int mode,
                         @Nullable String linkTarget) {
    }

    /** Walks a directory; {@code prefix} is its path relative to the data directory ("" for the top). */
    private static void walk(Path root, String prefix, List<Entry> out, Set<String> skipped) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, dir, prefix);
                if (!dir.equals(root)) {
                    String name = dir.getFileName().toString();
                    if (Exclusions.skip(parent(rel), name)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    out.add(new Entry(rel, dir, BackupFile.Kind.DIRECTORY, 0, attrs.lastModifiedTime().toInstant(),
                            mode(dir), null));
                }
                if (Exclusions.skipContents(rel)) {
                    if (rel.equals("pg_wal")) {
                        out.add(new Entry("pg_wal/archive_status", dir, BackupFile.Kind.DIRECTORY, 0, Instant.now(),
                                0700, null));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (rel.matches("base/\\d+|global|pg_tblspc/\\d+/[^/]+/\\d+")) {
                    unloggedNonInit(dir, rel, skipped);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, file, prefix);
                String name = file.getFileName().toString();
                if (Exclusions.skip(parent(rel), name) || skipped.contains(rel)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    Path target = Files.readSymbolicLink(file);
                    out.add(new Entry(rel, file, BackupFile.Kind.LINK, 0, Instant.now(), -1, target.toString()));
                    if (rel.matches("pg_tblspc/\\d+")) {
                        walk(file.toRealPath(), rel, out, skipped);
                    } else if (rel.equals("pg_wal")) {
                        out.add(new Entry("pg_wal/archive_status", file, BackupFile.Kind.DIRECTORY, 0, Instant.now(),
                                0700, null));
                    }
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isRegularFile()) {
                    out.add(new Entry(rel, file, BackupFile.Kind.FILE, attrs.size(),
                            attrs.lastModifiedTime().toInstant(), mode(file), null));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed while we walked (dropped relation, temp file)
                }
                throw exc;
            }
        });
    }

    /** Unlogged relations (those with an _init fork): only the init fork is backed up. */
    private static void unloggedNonInit(Path dir, String rel, Set<String> skipped) throws IOException {
        List<String> names = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException gone) {
            return;
        }
        Set<String> unlogged = new java.util.HashSet<>();
        for (String n : names) {
            if (n.matches("\\d+_init")) {
                unlogged.add(n.substring(0, n.indexOf('_')));
            }
        }
        if (unlogged.isEmpty()) {
            return;
        }
        for (String n : names) {
            String node = Exclusions.fileNode(n);
            if (node != null && unlogged.contains(node) && !n.startsWith(node + "_init")) {
                skipped.add(rel + "/" + n);
            }
        }
    }

    private static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    private static String rel(Path root, Path p, String prefix) {
        String r = root.relativize(p).toString().replace('\\', '/');
        return prefix.isEmpty() ? r : r.isEmpty() ? prefix : prefix + "/" + r;
    }

    private static int mode(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int m = 0;
            for (PosixFilePermission x : perms) {
                m |= 1 << (8 - x.ordinal());
            }
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
