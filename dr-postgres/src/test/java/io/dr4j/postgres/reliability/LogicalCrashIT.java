package io.dr4j.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalRestore;
import io.dr4j.tck.crash.CrashHarness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM taking a logical backup (pg_dump -Fd -j 2) at 20 random points; after every kill no partial
 * backup is listed and every listed backup verifies; at the end the next run succeeds, expiry removes the leftovers
 * and the newest backup restores.
 */
class LogicalCrashIT {
    static final int ITERATIONS = 20;
    static ScratchCluster pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow()).start();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
        }
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            for (int t = 0; t < 6; t++) {
                st.execute("CREATE TABLE t" + t + " (id int primary key, body text)");
                st.execute("INSERT INTO t" + t + " SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
            }
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    static final CrashHarness CHILD = CrashHarness.of(LogicalCrashChild.class).killDescendants(true);

    /** The child's pg_dump dies with it (killDescendants) rather than living on with an open snapshot. */
    static boolean runAndKill(long delayMs, Path repo) {
        return CHILD.runAndKill(delayMs, repo.toString(), Integer.toString(pg.port()));
    }

    static void assertConsistent(Repository repo) {
        VerificationRecord v = new ReadDataVerifier(repo).run();
        assertThat(v.passed()).as("every listed backup verifies: %s", v.problems()).isTrue();
        for (BackupManifest m : repo.catalog().list()) {
            assertThat(m.files()).extracting(f -> f.path()).contains("dump/toc.dat", "globals.sql", "row-counts.json");
        }
    }

    @Test
    void killedLogicalBackupsNeverLeaveAPartialBackupListed() throws Exception {
        Path root = dir.resolve("repo");
        long work = Math.max(50, CHILD.calibrate(root.toString(), Integer.toString(pg.port())));
        Repository repo = Repository.open(FileBackupTarget.of(root), RepositoryOptions.DEFAULT);
        Random rnd = new Random(2028);
        int killed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            if (runAndKill(rnd.nextLong(work * 3 / 2), root)) {
                killed++;
            }
            assertConsistent(repo);
            Thread.sleep(1000 - System.currentTimeMillis() % 1000); // backup ids have a resolution of one second
        }
        // the next run succeeds, expiry removes the leftovers, the newest backup restores
        var r = LogicalCrashChild.source(pg.port()).backup(repo, BackupRequest.of(BackupType.LOGICAL));
        new Expiry(repo, new RetentionPolicy.KeepLast(100), Clock.systemUTC(), Duration.ZERO).run();
        assertThat(repo.catalog().leftovers()).isEmpty();
        assertConsistent(repo);
        PostgresLogicalRestore.builder().target(new PgTarget("127.0.0.1", pg.port(), "postgres", null, "app_after_crashes"))
                .build().restore(repo, RestoreRequest.to(dir.resolve("w")).withBackup(r.id()));
        try (Connection c = pg.connect("app_after_crashes"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM t5")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5000);
        }
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = 'app'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no session of a killed backup holds a snapshot").isZero();
        }
        assertThat(killed).as("kills that interrupted a backup").isGreaterThanOrEqualTo(ITERATIONS / 3);
        System.out.println("FIGURE work " + work + " ms; logical backups killed mid-way: " + killed + " of "
                + ITERATIONS + "; " + repo.catalog().list().size() + " complete backups, all verified");
    }
}
