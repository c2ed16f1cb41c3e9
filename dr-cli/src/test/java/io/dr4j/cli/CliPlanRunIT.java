package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.dr4j.core.internal.json.Json;
import io.dr4j.postgres.cluster.ScratchCluster;

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
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        app.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        app.start();
        int restoredPort = ScratchCluster.freePort();
        Path restored = dir.resolve("restored");
        try (ArchivedCluster src = ArchivedCluster.start(dir, "dr4j_cli_plan",
                "CREATE TABLE orders (id int primary key, v text)",
                "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 1000) g")) {
            Map<String, String> env = src.env;
            env.put("DR_PLAN_STOP_COMMAND", "touch " + dir.resolve("stopped-{service}"));
            env.put("DR_PLAN_START_COMMAND", "touch " + dir.resolve("started-{service}"));
            src.backup();
            src.sql("INSERT INTO orders SELECT g, 'after the backup' FROM generate_series(1001, 1500) g");
            Thread.sleep(200);
            Instant beforeCorruption = src.serverNow();
            Thread.sleep(200);
            src.sql("DELETE FROM orders WHERE id > 10"); // the corruption
            src.awaitArchived();

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
            assertThat(src.countOnRestored(restored, restoredPort, "SELECT count(*) FROM orders")).isEqualTo(1500);
        } finally {
            app.stop(0);
        }
    }
}
