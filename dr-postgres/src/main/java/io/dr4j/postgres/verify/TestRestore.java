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

    /** Test-restores {@code backupId} (or the newest logical backup when null) and records the result. */
    public VerificationRecord run(Repository repository, @Nullable String backupId) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        BackupManifest m = backupId != null ? repository.catalog().get(backupId)
                : repository.catalog().list().stream().filter(b -> b.type() == BackupType.LOGICAL).reduce((a, b) -> b)
                .orElseThrow(() -> new io.dr4j.core.restore.RestoreFailedException("No logical backup to test-restore in "
                        + repository.target().location()));
        if (m.type() != BackupType.LOGICAL) {
            throw new io.dr4j.core.restore.RestoreFailedException("Backup " + m.id() + " is physical; test-restore it "
                    + "with the physical restore (PostgresRestoreStrategy) — this test restore handles logical backups");
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> details = new LinkedHashMap<>();
        PostgresBinaries bin = binaries != null ? binaries : PostgresBinaries.newestInstalled().orElseThrow(() ->
                new io.dr4j.core.ConfigurationException("No PostgreSQL server binaries to run a scratch cluster: install "
                        + "postgresql or pass binaries(...)"));
        String db = m.property("database").orElse("restored");
        Duration restoreTime = Duration.ZERO;
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            PgTarget target = new PgTarget("127.0.0.1", pg.port(), pg.superuser(), null, db);
            Path work = Files.createTempDirectory(workDir != null ? Files.createDirectories(workDir)
                    : Path.of(System.getProperty("java.io.tmpdir")), "dr4j-test-restore-");
            long tr = System.nanoTime();
            PostgresLogicalRestore restore = PostgresLogicalRestore.builder().target(target).globals(true).build();
            try {
                restore.restore(repository, RestoreRequest.to(work.resolve("w")).withBackup(m.id()));
            } finally {
                Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            restoreTime = Duration.ofNanos(System.nanoTime() - tr);
            details.put("restoreSeconds", String.format(java.util.Locale.ROOT, "%.3f", restoreTime.toMillis() / 1000.0));
            problems.addAll(restore.compareRowCounts(repository, m));
            try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
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
            if (amcheck) {
                Path tool = bin.tool("pg_amcheck");
                if (Files.isExecutable(tool)) {
                    Processes.Result r = Processes.run(List.of(tool.toString(), "--all", "--install-missing", "--no-password"),
                            target.toolEnvironment(), null, Duration.ofHours(6));
                    details.put("pg_amcheck", r.ok() ? "passed" : "failed");
                    if (!r.ok()) {
                        problems.add("pg_amcheck --all found problems: " + r.output().strip());
                    }
                } else {
                    details.put("pg_amcheck", "not installed with " + bin);
                }
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
