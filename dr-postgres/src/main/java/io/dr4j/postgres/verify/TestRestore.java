package io.dr4j.postgres.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.verify.VerificationLog;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalRestore;

import org.jspecify.annotations.Nullable;

/**
 * The weekly "restore to a test environment and verify data integrity" of the DR plan, automated: restores a backup
 * into a scratch cluster (temporary directory, free port, 127.0.0.1, removed afterwards), runs {@code pg_amcheck
 * --all}, the user's SQL checks, and for logical backups compares every table's row count with the one recorded at
 * backup time. The record carries the measured restore duration: the database RTO the team can actually expect.
 */
public final class TestRestore {
    /** The DR plan's own check. */
    public static final String DEFAULT_CHECK = "SELECT COUNT(*) FROM information_schema.tables";

    private final @Nullable PostgresBinaries binaries;
    private final List<String> checks;
    private final boolean amcheck;
    private final @Nullable Path workDir;

    private TestRestore(Builder b) {
        this.binaries = b.binaries;
        this.checks = List.copyOf(b.checks);
        this.amcheck = b.amcheck;
        this.workDir = b.workDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Test-restores {@code backupId} (or the newest backup when null) and records the result: a logical backup into
     * a fresh scratch cluster, a physical one by point-in-time recovery to the end of its WAL into a scratch data
     * directory, started on a free port.
     */
    public VerificationRecord run(Repository repository, @Nullable String backupId) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        BackupManifest m = backupId != null ? repository.catalog().get(backupId)
                : repository.catalog().latest().orElseThrow(() -> new io.dr4j.core.restore.RestoreFailedException(
                "No backup to test-restore in " + repository.target().location()));
        List<String> problems = new ArrayList<>();
        Map<String, String> details = new LinkedHashMap<>();
        try {
            if (m.type() == BackupType.LOGICAL) {
                logical(repository, m, problems, details);
            } else {
                physical(repository, m, problems, details);
            }
        } catch (DrException e) {
            problems.add("Restore failed: " + e.getMessage());
        } catch (SQLException | java.io.IOException e) {
            problems.add("Test restore failed: " + e.getMessage());
        }
        VerificationRecord rec = new VerificationRecord(VerificationRecord.Kind.TEST_RESTORE, started,
                Duration.ofNanos(System.nanoTime() - t0), problems.isEmpty(), List.of(m.id()), problems, details);
        new VerificationLog(repository).record(rec);
        return rec;
    }

    private PostgresBinaries binaries(int major) {
        if (binaries != null && (major <= 0 || binaries.majorVersion() == major)) {
            return binaries;
        }
        java.util.Optional<PostgresBinaries> b = major > 0 ? PostgresBinaries.installed(major)
                : PostgresBinaries.newestInstalled();
        return b.orElseThrow(() -> new io.dr4j.core.ConfigurationException("No PostgreSQL " + (major > 0 ? major + " " : "")
                + "server binaries for a scratch cluster: install postgresql" + (major > 0 ? "-" + major : "")
                + " or pass binaries(...)"));
    }

    private void logical(Repository repository, BackupManifest m, List<String> problems, Map<String, String> details)
            throws SQLException, java.io.IOException {
        PostgresBinaries bin = binaries(0);
        String db = m.property("database").orElse("restored");
        if (db.equals("postgres") || db.startsWith("template")) {
            db = "restored_" + db; // the scratch cluster has these already
        }
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            PgTarget target = new PgTarget("127.0.0.1", pg.port(), pg.superuser(), null, db);
            Path work = tempDir();
            long tr = System.nanoTime();
            PostgresLogicalRestore restore = PostgresLogicalRestore.builder().target(target).globals(true).build();
            try {
                restore.restore(repository, RestoreRequest.to(work.resolve("w")).withBackup(m.id()));
            } finally {
                delete(work);
            }
            details.put("restoreSeconds", seconds(System.nanoTime() - tr));
            problems.addAll(restore.compareRowCounts(repository, m));
            try (Connection c = pg.connect(db)) {
                runChecks(c, problems, details);
            }
            amcheck(bin, target, problems, details);
        }
    }

    private void physical(Repository repository, BackupManifest m, List<String> problems, Map<String, String> details)
            throws SQLException, java.io.IOException {
        int major = m.property("majorVersion").map(Integer::parseInt).orElse(0);
        PostgresBinaries bin = binaries(major);
        Path work = tempDir();
        Path data = work.resolve("data");
        int port = ScratchCluster.freePort();
        try {
            long tr = System.nanoTime();
            io.dr4j.core.restore.RestoreResult r = io.dr4j.postgres.PostgresRestoreStrategy.builder().binaries(bin).build()
                    .restore(repository, RestoreRequest.to(data).withBackup(m.id())
                            .withTarget(io.dr4j.core.restore.RecoveryTarget.latest()).withStart(true)
                            .withOptions(Map.of("port", Integer.toString(port))));
            details.put("restoreSeconds", seconds(System.nanoTime() - tr));
            if (r.recoveredToLsn() != null) {
                details.put("recoveredToLsn", r.recoveredToLsn());
            }
            ScratchCluster server = ScratchCluster.builder().binaries(bin).existingDataDir(data).port(port).create();
            try {
                try (Connection c = server.connect("postgres")) {
                    runChecks(c, problems, details);
                }
                amcheck(bin, new PgTarget("127.0.0.1", port, server.superuser(), null, "postgres"), problems, details);
            } finally {
                server.stop();
            }
            Path checksums = bin.tool("pg_checksums");
            if (Files.isExecutable(checksums) && "true".equals(m.property("dataChecksums").orElse("false"))) {
                Processes.Result cr = Processes.run(Processes.asPostgresUser(List.of(checksums.toString(), "--check",
                        "-D", data.toString())), Map.of(), null, Duration.ofHours(6));
                details.put("pg_checksums", cr.ok() ? "passed" : "failed");
                if (!cr.ok()) {
                    problems.add("pg_checksums --check found problems: " + cr.output().strip());
                }
            }
        } finally {
            delete(work);
        }
    }

    private void runChecks(Connection c, List<String> problems, Map<String, String> details) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : checks) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    if (rs.next()) {
                        Object v = rs.getObject(1);
                        details.put("check: " + sql, String.valueOf(v));
                        if (Boolean.FALSE.equals(v) || v == null) {
                            problems.add("SQL check returned " + v + ": " + sql);
                        }
                    } else {
                        problems.add("SQL check returned no row: " + sql);
                    }
                } catch (SQLException e) {
                    problems.add("SQL check failed: " + sql + ": " + e.getMessage());
                }
            }
        }
    }

    private void amcheck(PostgresBinaries bin, PgTarget target, List<String> problems, Map<String, String> details) {
        if (!amcheck) {
            return;
        }
        Path tool = bin.tool("pg_amcheck");
        if (!Files.isExecutable(tool)) {
            details.put("pg_amcheck", "not installed with " + bin);
            return;
        }
        Processes.Result r = Processes.run(List.of(tool.toString(), "--all", "--install-missing", "--no-password"),
                target.toolEnvironment(), null, Duration.ofHours(6));
        details.put("pg_amcheck", r.ok() ? "passed" : "failed");
        if (!r.ok()) {
            problems.add("pg_amcheck --all found problems: " + r.output().strip());
        }
    }

    private Path tempDir() throws java.io.IOException {
        Path base = workDir != null ? Files.createDirectories(workDir) : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "dr4j-test-restore-");
        Processes.makeTraversable(dir);
        return dir;
    }

    private static void delete(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /** Builds a test restore. */
    public static final class Builder {
        private @Nullable PostgresBinaries binaries;
        private final List<String> checks = new ArrayList<>(List.of(DEFAULT_CHECK));
        private boolean amcheck = true;
        private @Nullable Path workDir;

        public Builder binaries(PostgresBinaries b) {
            this.binaries = Objects.requireNonNull(b, "binaries");
            return this;
        }

        /** Replaces the SQL checks; each must return a first column that is not false/NULL. */
        public Builder checks(List<String> sql) {
            this.checks.clear();
            this.checks.addAll(sql);
            return this;
        }

        public Builder amcheck(boolean b) {
            this.amcheck = b;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public TestRestore build() {
            return new TestRestore(this);
        }
    }
}
