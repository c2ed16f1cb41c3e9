package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.internal.json.Json;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.wal.WalArchiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr plan run database-corruption} for real on a cluster whose rows were deleted: the services are stopped
 * and started with the configured commands, the backup is restored to just before the deletion into {@code --to},
 * the SQL check and the application's health URL pass, and the restored server holds the deleted rows.
 */
class CliPlanRunIT {
    @TempDir
    Path dir;

    @Test
    void planRunRestoresToJustBeforeTheCorruption() throws Exception {
        PostgresBinaries bin = PostgresBinaries.installed(15).orElseThrow();
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        app.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        app.start();
        int restoredPort = ScratchCluster.freePort();
        Path restored = dir.resolve("restored");
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders (id int primary key, v text)");
                st.execute("INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            }
            Map<String, String> env = new HashMap<>();
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", Integer.toString(pg.port()));
            env.put("PGUSER", "postgres");
            env.put("PGDATABASE", "postgres");
            Path repoDir = dir.resolve("repo");
            env.put("DR_REPOSITORY", repoDir.toString());
            env.put("DR_PLAN_STOP_COMMAND", "touch " + dir.resolve("stopped-{service}"));
            env.put("DR_PLAN_START_COMMAND", "touch " + dir.resolve("started-{service}"));

            PostgresCluster cluster = PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user("postgres")
                    .database("postgres").dataDir(pg.dataDir()).build();
            String systemId = PostgresBackupSource.builder(cluster).build().systemId();
            try (DisasterRecovery dr = DisasterRecovery.configure().repository(repoDir.toUri()).load();
                 Repository repo = dr.openRepository(systemId, "postgresql");
                 WalArchiver archiver = WalArchiver.builder().jdbcUrl(pg.jdbcUrl("postgres")).user("postgres")
                         .repository(repo).spoolDir(dir.resolve("spool")).slotName("dr4j_cli_plan")
                         .partialInterval(Duration.ofMillis(500)).build()) {
                archiver.start();
                assertThat(CliTest.dr(env, "backup", "--pgdata", pg.dataDir().toString()).code()).isZero();
                Instant beforeCorruption;
                try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO orders SELECT g, 'after the backup' FROM generate_series(1001, 1500) g");
                    Thread.sleep(200);
                    try (ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
                        rs.next();
                        beforeCorruption = rs.getObject(1, OffsetDateTime.class).toInstant();
                    }
                    Thread.sleep(200);
                    st.execute("DELETE FROM orders WHERE id > 10"); // the corruption
                    try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                        rs.next();
                        assertThat(archiver.awaitArchived(WalNames.parseLsn(rs.getString(1)), Duration.ofSeconds(60)))
                                .isTrue();
                    }
                }

                CliTest.Run run = CliTest.dr(env, "plan", "run", "database-corruption", "--yes", "--to",
                        restored.toString(), "--restore-port", Integer.toString(restoredPort), "--service", "app",
                        "--health-url", "http://127.0.0.1:" + app.getAddress().getPort() + "/health",
                        "--target-time", beforeCorruption.toString(), "--monitor", "1s",
                        "--check", "SELECT count(*) = 1500 FROM orders", "--report", dir.resolve("reports").toString(),
                        "--json");
                assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
                assertThat(run.err()).contains("stop-application: SUCCEEDED").contains("restore-database: SUCCEEDED")
                        .contains("verify-application: SUCCEEDED");
                assertThat(dir.resolve("stopped-app")).exists();
                assertThat(dir.resolve("started-app")).exists();
                JsonNode out = Json.mapper().readTree(run.out());
                assertThat(out.get("status").asText()).isEqualTo("SUCCEEDED");
                JsonNode report = out.get("report");
                assertThat(report.get("drill").asBoolean()).isFalse();
                assertThat(Instant.parse(report.get("recoveredTo").asText())).isBefore(beforeCorruption);
                assertThat(Path.of(out.get("reports").get(0).asText())).exists();

                // the restored server (left running for the application) holds every order of before the deletion
                try (ScratchCluster back = ScratchCluster.builder().binaries(bin).existingDataDir(restored)
                        .port(restoredPort).create()) {
                    try (Connection c = back.connect("postgres");
                         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                        rs.next();
                        assertThat(rs.getLong(1)).isEqualTo(1500);
                    }
                    back.stop();
                }
            }
        } finally {
            app.stop(0);
        }
    }
}
