package io.dr4j.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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

    static long lastWorkMs;

    static boolean runAndKill(long delayMs, Path repo) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                LogicalCrashChild.class.getName(), repo.toString(), Integer.toString(pg.port())));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("STARTED")) {
            // start-up output
        }
        assertThat(line).as("child started").isEqualTo("STARTED");
        long t0 = System.nanoTime();
        if (delayMs < 0) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            lastWorkMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(p.exitValue()).isZero();
            return false;
        }
        Thread.sleep(delayMs);
        if (!p.isAlive()) {
            StringBuilder rest = new StringBuilder();
            while ((line = out.readLine()) != null) {
                rest.append(line).append('\n');
            }
            assertThat(rest.toString()).as("exit %d", p.exitValue()).contains("DONE");
            return false;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly(); // SIGKILL; the orphaned pg_dump dies on its broken pipe or is killed here
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        children.forEach(ProcessHandle::destroyForcibly);
        return true;
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
        runAndKill(-1, root);
        long work = Math.max(50, lastWorkMs);
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
