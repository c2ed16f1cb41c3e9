package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.internal.json.Json;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real cluster: backup, list, info, verify, restore to a point in time with --start. */
class CliPostgresIT {
    @TempDir
    Path dir;

    @Test
    void backupListRestoreAndVerify() throws Exception {
        PostgresBinaries bin = PostgresBinaries.installed(15).orElseThrow();
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int primary key, v text)");
                st.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            }
            Map<String, String> env = new HashMap<>();
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", Integer.toString(pg.port()));
            env.put("PGUSER", "postgres");
            env.put("PGDATABASE", "postgres");
            env.put("DR_REPOSITORY", dir.resolve("repo").toString());

            CliTest.Run backup = CliTest.dr(env, "backup", "--pgdata", pg.dataDir().toString(), "--json");
            assertThat(backup.code()).as(backup.err()).isZero();
            JsonNode b = Json.mapper().readTree(backup.out());
            String id = b.get("id").asText();
            assertThat(b.get("type").asText()).isEqualTo("full");

            CliTest.Run logical = CliTest.dr(env, "backup", "--type", "logical", "--format", "custom");
            assertThat(logical.code()).as(logical.err()).isZero();

            // every attempt reaches status/last-backup.json through the repository's listeners (the library's
            // wiring, no CLI special case), a failure with its reason
            Path status = dir.resolve("repo").resolve("status").resolve("last-backup.json");
            assertThat(Json.mapper().readTree(status.toFile()).get("outcome").asText()).isEqualTo("succeeded");
            CliTest.Run direct = CliTest.dr(env, "backup", "--mode", "direct");
            assertThat(direct.code()).isEqualTo(ExitCode.FAILED);
            JsonNode failed = Json.mapper().readTree(status.toFile());
            assertThat(failed.get("outcome").asText()).isEqualTo("failed");
            assertThat(failed.get("reason").asText()).startsWith("Direct mode needs the data directory");
            assertThat(failed.get("consecutiveFailures").asInt()).isEqualTo(1);

            CliTest.Run list = CliTest.dr(env, "list");
            assertThat(list.out()).contains(id).contains("logical");
            assertThat(CliTest.dr(env, "info", id).out()).contains("startLsn");
            CliTest.Run verify = CliTest.dr(env, "verify", "--read-data");
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
            CliTest.Run testRestore = CliTest.dr(env, "verify", "--test-restore", "--backup", id,
                    "--check", "SELECT count(*) = 1000 FROM t");
            assertThat(testRestore.code()).as(testRestore.out() + testRestore.err()).isZero();
            assertThat(testRestore.out()).contains("test-restore").contains("passed").contains("restore took");
            CliTest.Run badCheck = CliTest.dr(env, "verify", "--test-restore", "--check", "SELECT count(*) = 1 FROM t");
            assertThat(badCheck.code()).isEqualTo(ExitCode.PROBLEMS_FOUND);

            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("DELETE FROM t");
            }
            Path target = dir.resolve("restored");
            CliTest.Run restore = CliTest.dr(env, "restore", "--to", target.toString(), "--backup", id,
                    "--target", "immediate", "--start");
            assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
            assertThat(restore.out()).contains("Restored backup " + id);
            CliTest.Run again = CliTest.dr(env, "restore", "--to", target.toString(), "--backup", id);
            assertThat(again.code()).isEqualTo(ExitCode.FAILED);
            assertThat(again.err()).containsIgnoringCase("not empty");
            // the restored server (started by the restore) holds the rows deleted from the original
            String port = restore.out().lines().filter(l -> l.contains("port")).map(l -> l.replaceAll("\\D+", " ").trim())
                    .findFirst().orElse("");
            assertThat(port).isNotEmpty();
            try (ScratchCluster restored = ScratchCluster.builder().binaries(bin).existingDataDir(target)
                    .port(Integer.parseInt(port.split(" ")[0])).create()) {
                try (Connection c = restored.connect("postgres");
                     ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1000);
                }
                restored.stop();
            }
        }
    }
}
