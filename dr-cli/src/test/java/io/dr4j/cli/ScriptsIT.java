package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DR plan's scripts/dr/*.sh, run for real through bash against the dr command and a PostgreSQL cluster. */
class ScriptsIT {
    static final Path SCRIPTS = Path.of("..", "scripts", "dr").toAbsolutePath().normalize();
    @TempDir
    Path dir;

    static String dr() {
        return "java -cp " + System.getProperty("java.class.path") + " io.dr4j.cli.Main";
    }

    static Processes.Result run(Map<String, String> env, String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Map<String, String> e = new HashMap<>(env);
        e.put("DR", dr());
        return Processes.run(cmd, e, null, Duration.ofMinutes(5));
    }

    @Test
    void everyScriptPrintsItsUsageAndExitsWithTwoOnBadArguments() throws Exception {
        List<String> scripts;
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            scripts = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).contains("restore-database.sh", "full-system-recovery.sh", "datacenter-failover.sh",
                "ransomware-recovery.sh", "rollback-application.sh", "test-backup-restore.sh");
        for (String s : scripts) {
            if (s.equals("test-backup-restore.sh")) {
                continue; // takes no required argument
            }
            Processes.Result r = run(Map.of(), s, "a", "b", "c");
            assertThat(r.exitCode()).as(s + ": " + r.output()).isEqualTo(2);
            assertThat(r.output()).as(s).contains("Usage");
        }
    }

    @Test
    void restoreDatabaseAndTestBackupRestoreWork() throws Exception {
        PostgresBinaries bin = PostgresBinaries.installed(15).orElseThrow();
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE swe_db");
            }
            try (Connection c = pg.connect("swe_db"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE users (id int primary key, name text)");
                st.execute("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g");
            }
            Map<String, String> env = new HashMap<>();
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", Integer.toString(pg.port()));
            env.put("PGUSER", "postgres");
            env.put("PSQL", bin.tool("psql").toString());
            Path dump = dir.resolve("swe_db_20251109_020000.sql.gz");
            Map<String, String> dumpEnv = new HashMap<>(env);
            dumpEnv.put("PGDATABASE", "swe_db");
            Processes.check(List.of("bash", "-c", bin.tool("pg_dump") + " | gzip > " + dump), dumpEnv, null,
                    Duration.ofMinutes(2));

            Processes.Result restored = run(env, "restore-database.sh", dump.toString(), "swe_db_restored");
            assertThat(restored.exitCode()).as(restored.output()).isZero();
            assertThat(restored.output()).contains("count");
            try (Connection c = pg.connect("swe_db_restored");
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(500);
            }
            Processes.Result again = run(env, "restore-database.sh", dump.toString(), "swe_db_restored");
            assertThat(again.exitCode()).as("an existing database needs DR_CLEAN=1").isEqualTo(1);

            env.put("DR_REPOSITORY", dir.resolve("repo").toString());
            env.put("PGDATABASE", "swe_db");
            assertThat(CliTest.dr(env, "backup", "--type", "logical", "--format", "custom").code()).isZero();
            Processes.Result weekly = run(env, "test-backup-restore.sh", "--check", "SELECT count(*) = 500 FROM users");
            assertThat(weekly.exitCode()).as(weekly.output()).isZero();
            assertThat(weekly.output()).contains("test-restore").contains("passed");
        }
    }
}
