package io.dr4j.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.restore.RestoreStrategy;
import io.dr4j.postgres.backup.ProgressTracker;
import io.dr4j.postgres.cluster.FileOwner;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.restore.InJvmWalSpoolFiller;
import io.dr4j.postgres.restore.PrefetcherSpoolFiller;
import io.dr4j.postgres.restore.RecoveryLauncher;
import io.dr4j.postgres.restore.RestorePlan;
import io.dr4j.postgres.restore.WalSpoolFiller;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physical restore and point-in-time recovery of a PostgreSQL backup into a new data directory (or, with
 * {@code delta}, into an existing one, fetching only files whose content differs and removing files the backup
 * does not have). Before anything is written it picks the backup for the target and checks every WAL segment from
 * the backup's start to the target is archived. Files are downloaded and decompressed in parallel, then fsynced
 * in one parallel pass. Recovery settings go to {@code postgresql.auto.conf} with {@code recovery.signal}; the
 * {@code restore_command} is a generated script serving WAL from a spool that a {@link WalSpoolFiller} fills ahead
 * of replay. With {@code start}, the server is started (with this machine's binaries, or by a
 * {@link RecoveryLauncher}, e.g. in a container) and the restore returns once recovery has ended
 * ({@code pg_is_in_recovery()} false).
 *
 * <p>Request options: {@code port} (default: a free port), {@code tablespace.<oid>} (where a tablespace goes;
 * default {@code <destination>_tblspc_<oid>}), {@code setting.<name>} (extra server settings),
 * {@code recovery-target-action} (promote, pause, shutdown), {@code stop-after-recovery} (false).
 */
public final class PostgresRestoreStrategy implements RestoreStrategy {
    private static final Logger log = LoggerFactory.getLogger(PostgresRestoreStrategy.class);
    static final String SPOOL = "pg_wal/dr4j-spool";

    private final IntFunction<PostgresBinaries> binaries;
    private final WalSpoolFiller filler;
    private final WalSpoolFiller offlineFiller = new InJvmWalSpoolFiller(4);
    private final int lookAhead;
    private final Duration recoveryTimeout;
    private final @Nullable RecoveryLauncher launcher;

    private PostgresRestoreStrategy(Builder b) {
        this.binaries = b.binaries;
        this.filler = b.filler;
        this.lookAhead = b.lookAhead;
        this.recoveryTimeout = b.recoveryTimeout;
        this.launcher = b.launcher;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return "postgres-physical";
    }

    @Override
    public RestoreResult restore(Repository repository, RestoreRequest request) {
        // reports the outcome (duration, a failure's reason) to the repository's event listeners
        return repository.events().observeRestore(id(), request.backupId(), () -> doRestore(repository, request));
    }

    private RestoreResult doRestore(Repository repository, RestoreRequest request) {
        Objects.requireNonNull(repository, "repository");
        Instant t0 = Instant.now();
        Map<String, Duration> phases = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        ProgressTracker progress = new ProgressTracker(request.progress(), "restore", "plan");
        Path dest = request.destination().toAbsolutePath().normalize();

        // ---- plan: nothing is written before every check passed
        long p0 = System.nanoTime();
        RestorePlan plan = RestorePlan.make(repository, request.backupId(), request.target(), request.timeline(),
                PostgresBackupSource.KIND);
        io.dr4j.postgres.reliability.SafeRestorePaths.check(plan.backup());
        BackupManifest backup = plan.backup();
        repository.catalog().chain(backup); // the whole chain must exist
        checkDestination(dest, request.delta());
        Map<String, Path> tablespaces = tablespaceTargets(backup, dest, request);
        for (Path t : tablespaces.values()) {
            checkDestination(t, request.delta());
        }
        if (!request.delta() && !"false".equals(request.options().get("check-free-space"))) {
            RestoreSpace.checkFree(backup, dest);
        }
        int major = Integer.parseInt(backup.properties().getOrDefault("majorVersion", "15"));
        PostgresBinaries bin = null;
        if (request.start() && launcher != null) {
            launcher.check(major);
        } else if (request.start()) {
            bin = binaries.apply(major);
        }
        FileOwner owner = request.start() && launcher != null ? launcher.owner() : null;
        phases.put("plan", Duration.ofNanos(System.nanoTime() - p0));
        details.put("window", plan.window());
        details.put("walFiles", Integer.toString(plan.wal().size()));
        log.info("Restoring backup {} into {} to {} ({} WAL files; {})", backup.id(), dest, request.target(),
                plan.wal().size(), plan.window());

        // ---- download
        long d0 = System.nanoTime();
        RestoreDownload.Stats stats;
        try {
            Files.createDirectories(dest);
            Files.setPosixFilePermissions(dest, EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            Processes.PathGiver give = Processes.giverTo(owner);
            give.give(dest);
            RestoreSpace.markIncomplete(dest, backup.id(), request.delta());
            stats = RestoreDownload.download(repository, backup, dest, tablespaces, request, progress, give);
        } catch (IOException | RuntimeException e) {
            throw RestoreSpace.explain(e, backup, dest);
        }
        phases.put("download", Duration.ofNanos(System.nanoTime() - d0));
        details.put("filesSkipped", Long.toString(stats.skipped.get()));
        details.put("filesRemoved", Long.toString(stats.removed.get()));

        // ---- recovery configuration + WAL spool
        int port = request.options().containsKey("port") ? Integer.parseInt(request.options().get("port"))
                : ScratchCluster.freePort();
        details.put("port", Integer.toString(port));
        Path spool = spoolDir(dest, request.start() && launcher == null);
        long segSize = Long.parseLong(backup.properties().getOrDefault("walSegmentSize", "16777216"));
        WalSpoolFiller.Request spoolRequest = new WalSpoolFiller.Request(repository, plan.wal(), spool,
                request.start() ? lookAhead : 0, plan.history().target(), backup.properties().get("startWal"), segSize,
                owner);
        long w0 = System.nanoTime();
        WalSpoolFiller.Handle fill = null;
        String lsn = null;
        Instant time = null;
        String timeline = null;
        try { // the filler's threads and a spool beside the data directory never outlive this call
            try {
                Files.createDirectories(dest.resolve("pg_wal/archive_status"));
                Processes.chownTo(dest.resolve("pg_wal"), owner);
                fill = (request.start() ? filler : offlineFiller).start(spoolRequest);
                String restoreCommand = fill.restoreCommand();
                Map<String, String> extra = new LinkedHashMap<>();
                request.options().forEach((k, v) -> {
                    if (k.startsWith("setting.")) {
                        extra.put(k.substring("setting.".length()), v);
                    }
                });
                Map<String, String> settings = RecoveryConfig.settings(request.target(), plan.history().target(),
                        restoreCommand, port, major,
                        request.options().getOrDefault("recovery-target-action", "promote"), extra);
                RecoveryConfig.write(dest, settings, "dr4j restore of backup " + backup.id() + " at " + Instant.now()
                        + ": recovery settings; archiving and replication of the source switched off");
                RestoreSpace.markComplete(dest);
                Processes.chownTo(dest, owner);
                for (Path t : tablespaces.values()) {
                    Processes.chownTo(t, owner);
                }
            } catch (IOException e) {
                throw RestoreSpace.explain(new IOException("Could not write the recovery settings into " + dest + ": "
                        + e.getMessage(), e), backup, dest);
            }
            if (!request.start()) {
                fill.awaitComplete(Duration.ofHours(24));
                phases.put("wal-prefetch", Duration.ofNanos(System.nanoTime() - w0));
                Processes.chownToPostgres(spool);
            } else {
                long r0 = System.nanoTime();
                Recovered r = launcher != null ? recover(launcher.start(dest, port, major), dest, port, request)
                        : startAndRecover(Objects.requireNonNull(bin), dest, port, request, details);
                phases.put("recovery", Duration.ofNanos(System.nanoTime() - r0));
                lsn = r.lsn;
                time = r.time;
                timeline = r.timeline;
            }
        } finally {
            if (fill != null) {
                fill.close();
            }
            if (!spool.startsWith(dest)) {
                deleteTree(spool); // beside the data directory: never left there, whatever happened
            }
        }
        if (request.start() && spool.startsWith(dest)) {
            deleteTree(spool);
        }
        progress.finish();
        return new RestoreResult(backup.id(), dest, lsn, time, timeline, stats.bytes.get(), stats.files.get(), phases,
                Duration.between(t0, Instant.now()), details);
    }

    private record Recovered(@Nullable String lsn, @Nullable Instant time, @Nullable String timeline) {
    }

    private Recovered startAndRecover(PostgresBinaries bin, Path dest, int port, RestoreRequest request,
                                      Map<String, String> details) {
        ScratchCluster server = ScratchCluster.builder().binaries(bin).existingDataDir(dest).port(port)
                .keepOnClose().create();
        details.put("logFile", server.logFile().toString());
        details.put("socketDir", server.baseDir().toString());
        try {
            server.start();
        } catch (DrException e) {
            throw new RestoreFailedException("The restored server in " + dest + " did not start or recovery failed: "
                    + e.getMessage(), e);
        }
        return recover(new RecoveryLauncher.Running() {
            @Override
            public boolean alive() {
                return Files.exists(dest.resolve("postmaster.pid"));
            }

            @Override
            public String logTail() {
                return server.tailOfLog();
            }

            @Override
            public String description() {
                return "PostgreSQL " + bin.version() + ", log " + server.logFile();
            }

            @Override
            public void stop() {
                server.stop();
            }
        }, dest, port, request);
    }

    /** Waits until the started server has ended recovery ({@code pg_is_in_recovery()} false). */
    private Recovered recover(RecoveryLauncher.Running server, Path dest, int port, RestoreRequest request) {
        long deadline = System.nanoTime() + recoveryTimeout.toNanos();
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        // one connection, asked every 20 ms (it survives the promotion; a new one only after an error): recovery to a
        // target often ends within a second of the start, and the end is what a PITR waits for
        Connection c = null;
        while (true) {
            try {
                if (c == null) {
                    c = DriverManager.getConnection(url, p);
                }
                Statement s = c.createStatement();
                boolean inRecovery;
                try (ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
                    rs.next();
                    inRecovery = rs.getBoolean(1);
                }
                if (!inRecovery) {
                    try (ResultSet rs = s.executeQuery("select pg_last_wal_replay_lsn()::text, "
                            + "pg_last_xact_replay_timestamp(), substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
                        rs.next();
                        Timestamp ts = rs.getTimestamp(2);
                        Recovered r = new Recovered(rs.getString(1), ts == null ? null : ts.toInstant(), rs.getString(3));
                        closeQuietly(c);
                        c = null;
                        if ("true".equals(request.options().get("stop-after-recovery"))) {
                            server.stop();
                        }
                        return r;
                    }
                }
                s.close();
            } catch (SQLException e) {
                closeQuietly(c);
                c = null;
                if (!server.alive()) {
                    throw new RestoreFailedException("The restored server stopped during recovery ("
                            + server.description() + "). Server log:\n" + server.logTail(), e);
                }
            }
            if (System.nanoTime() > deadline) {
                closeQuietly(c);
                throw new RestoreFailedException("Recovery of " + dest + " did not end within " + recoveryTimeout
                        + "; the server still runs on port " + port + " (" + server.description() + "). Server log:\n"
                        + server.logTail());
            }
            PostgresBackupSource.sleep(20);
        }
    }

    private static void closeQuietly(@Nullable Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the server may be gone; nothing to release then
            }
        }
    }

    private static void checkDestination(Path dir, boolean delta) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new RestoreFailedException(dir + " exists and is not a directory: choose a new or empty directory");
        }
        if (!delta && Files.exists(dir.resolve(RestoreSpace.MARKER))) {
            throw new RestoreFailedException("A restore into " + dir + " did not finish (" + RestoreSpace.MARKER
                    + " is there, global/pg_control is not): run the restore again with --delta (RestoreRequest."
                    + "withDelta) to resume it, or empty the directory. Nothing was changed");
        }
        try (Stream<Path> s = Files.list(dir)) {
            boolean empty = s.findAny().isEmpty();
            if (!empty && !delta) {
                throw new RestoreFailedException("The destination " + dir + " is not empty: restore into a new or "
                        + "empty directory, or ask for a delta restore to reuse what is there. Nothing was changed");
            }
        } catch (IOException e) {
            throw new RestoreFailedException("Cannot read " + dir + ": " + e.getMessage(), e);
        }
        if (delta && Files.exists(dir.resolve("postmaster.pid"))) {
            throw new RestoreFailedException(dir + " holds postmaster.pid: stop the server using it before a delta "
                    + "restore (or remove a stale postmaster.pid). Nothing was changed");
        }
    }

    private static Map<String, Path> tablespaceTargets(BackupManifest b, Path dest, RestoreRequest request) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (BackupFile f : b.files()) {
            if (f.kind() == BackupFile.Kind.LINK && f.path().matches("pg_tblspc/\\d+")) {
                String oid = f.path().substring("pg_tblspc/".length());
                String opt = request.options().get("tablespace." + oid);
                out.put(oid, opt != null ? Path.of(opt).toAbsolutePath()
                        : dest.resolveSibling(dest.getFileName() + "_tblspc_" + oid));
            }
        }
        return out;
    }

    /**
     * Where {@code restore_command} finds the WAL: {@link #SPOOL} in the data directory, except for a server this JVM
     * starts itself ({@code beside}), whose spool is a new directory beside the data directory
     * ({@code <name>.dr4j-wal-spool-<random>}, same file system, removed at the end). PostgreSQL's start fsyncs every
     * file of its data directory (a restored one starts with crash recovery), the prefetched segments included (one
     * of three causes of the 0.33 s that start took, against pgBackRest's 0.07 s: docs/benchmarks.md, session 5).
     * Where no directory can be made beside it, the spool stays inside and the prefetch waits for the server's first
     * request ({@link PrefetcherSpoolFiller}).
     */
    private static Path spoolDir(Path dest, boolean beside) {
        if (beside && dest.getParent() != null) {
            try {
                return Files.createTempDirectory(dest.getParent(), dest.getFileName() + ".dr4j-wal-spool-");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                log.debug("No WAL spool beside {} ({}): using {}", dest, e.toString(), SPOOL);
            }
        }
        return dest.resolve(SPOOL);
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            log.debug("Could not remove {}: {}", p, e.getMessage());
        }
    }

    /** Builds a {@link PostgresRestoreStrategy}. */
    public static final class Builder {
        private IntFunction<PostgresBinaries> binaries = major -> PostgresBinaries.installed(major).orElseThrow(() ->
                new RestoreFailedException("No PostgreSQL " + major + " installation to start the restored server: "
                        + "install it (apt-get install postgresql-" + major + ") or pass binaries(...)"));
        private WalSpoolFiller filler = new PrefetcherSpoolFiller(4);
        private int lookAhead = 64;
        private Duration recoveryTimeout = Duration.ofHours(6);
        private @Nullable RecoveryLauncher launcher;

        private Builder() {
        }

        /**
         * Starts the restored server with {@code launcher} (e.g. in a container) instead of this machine's binaries;
         * the data directory, the WAL spool and each WAL file served are given to its {@link RecoveryLauncher#owner()}.
         * The server keeps running after the restore: the launcher's caller stops it.
         */
        public Builder launcher(RecoveryLauncher launcher) {
            this.launcher = Objects.requireNonNull(launcher, "launcher");
            return this;
        }

        /** The server binaries to start a restored server of a major version with. */
        public Builder binaries(IntFunction<PostgresBinaries> b) {
            this.binaries = Objects.requireNonNull(b, "binaries");
            return this;
        }

        /** Fixed binaries (tests, one version). */
        public Builder binaries(PostgresBinaries b) {
            Map<Integer, PostgresBinaries> m = new HashMap<>();
            m.put(b.majorVersion(), b);
            this.binaries = major -> {
                PostgresBinaries x = m.get(major);
                if (x == null) {
                    throw new RestoreFailedException("The backup is of PostgreSQL " + major + " but the binaries given are "
                            + b + ": restore with PostgreSQL " + major);
                }
                return x;
            };
            return this;
        }

        /**
         * Who serves WAL to a server this restore starts (default: {@link PrefetcherSpoolFiller}, 4 threads); a
         * restore without {@code start} always delivers all WAL up front ({@link InJvmWalSpoolFiller}).
         */
        public Builder spoolFiller(WalSpoolFiller f) {
            this.filler = Objects.requireNonNull(f, "filler");
            return this;
        }

        /** Segments fetched ahead of replay (default 64). */
        public Builder lookAhead(int segments) {
            this.lookAhead = segments;
            return this;
        }

        public Builder recoveryTimeout(Duration d) {
            this.recoveryTimeout = Objects.requireNonNull(d, "recoveryTimeout");
            return this;
        }

        public PostgresRestoreStrategy build() {
            return new PostgresRestoreStrategy(this);
        }
    }
}
