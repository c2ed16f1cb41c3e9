package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.internal.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr drill database-corruption} end to end on a real cluster: the streaming archiver runs, a full backup is
 * taken with {@code dr backup}, and the drill restores into a scratch cluster, measures RTO/RPO and writes the report.
 */
class CliDrillIT {
    @TempDir
    Path dir;

    @Test
    void drillOfDatabaseCorruptionOnARealCluster() throws Exception {
        try (ArchivedCluster src = ArchivedCluster.start(dir, "dr4j_cli_drill",
                "CREATE TABLE orders (id int primary key, v text)", "CREATE TABLE customers (id int primary key)",
                "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 1000) g")) {
            Map<String, String> env = src.env;
            Path reports = dir.resolve("reports");
            src.backup();
            src.sql("INSERT INTO orders SELECT g, 'after the backup' FROM generate_series(1001, 1500) g");

            CliTest.Run dry = CliTest.dr(env, "drill", "database-corruption", "--dry-run");
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("scratch directory").contains("restore-database").contains("DRY RUN");

            CliTest.Run drill = CliTest.dr(env, "drill", "database-corruption", "--report", reports.toString(),
                    "--json", "--monitor", "1s", "--check", "SELECT count(*) = 1500 FROM orders");
            assertThat(drill.code()).as(drill.out() + drill.err()).isEqualTo(ExitCode.OK);
            assertThat(drill.err()).contains("restore-database: started").contains("plan database-corruption SUCCEEDED");
            JsonNode out = Json.mapper().readTree(drill.out());
            assertThat(out.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(out.get("findings")).isEmpty();
            Path jsonReport = Path.of(out.get("reports").get(0).asText());
            assertThat(jsonReport).exists().hasParent(reports);
            assertThat(Path.of(out.get("reports").get(1).asText())).exists();

            JsonNode report = Json.mapper().readTree(Files.readAllBytes(jsonReport));
            assertThat(report.get("schema").asText()).isEqualTo("dr4j-recovery-report");
            assertThat(report.get("drill").asBoolean()).isTrue();
            assertThat(report.get("planId").asText()).isEqualTo("database-corruption");
            assertThat(report.get("status").asText()).isEqualTo("SUCCEEDED");
            for (JsonNode step : report.get("steps")) {
                assertThat(step.get("status").asText()).as(step.toString()).isEqualTo("SUCCEEDED");
            }
            JsonNode rto = objective(report, "RTO");
            JsonNode rpo = objective(report, "RPO");
            assertThat(rto.get("verdict").asText()).as(rto.toString()).isEqualTo("MET");
            assertThat(rto.get("objectiveSeconds").asDouble()).isEqualTo(900.0);
            assertThat(rto.get("achievedSeconds").asDouble()).isPositive().isLessThan(300.0);
            assertThat(rpo.get("verdict").asText()).as(rpo.toString()).isEqualTo("MET");
            assertThat(rpo.get("objectiveSeconds").asDouble()).isEqualTo(3600.0);
            // the incident is marked by an empty transaction just before it: the data is recovered to within ms
            assertThat(rpo.get("achievedSeconds").asDouble()).isLessThan(5.0);
            // recovered to the last commit before the incident, not past it
            assertThat(java.time.Instant.parse(report.get("recoveredTo").asText()))
                    .isBefore(java.time.Instant.parse(report.get("incidentAt").asText()));
            JsonNode facts = report.get("environment");
            assertThat(facts.get("tables restored").asText()).isEqualTo("2 of 2");
            assertThat(facts.get("check 1").asText()).endsWith("-> true");
            assertThat(facts.get("Recovery verified by the environment").asText()).isEqualTo("yes");
            System.out.printf("dr drill database-corruption: RTO %.1f s, RPO %.3f s%n",
                    rto.get("achievedSeconds").asDouble(), rpo.get("achievedSeconds").asDouble());

            // a check that does not hold on the restored data: the drill ran, the verification found a problem
            CliTest.Run bad = CliTest.dr(env, "drill", "database-corruption", "--report", reports.toString(),
                    "--monitor", "1s", "--check", "SELECT count(*) = 1 FROM orders");
            assertThat(bad.code()).as(bad.out() + bad.err()).isEqualTo(ExitCode.PROBLEMS_FOUND);
            assertThat(bad.out()).contains("finding: Check 1 failed on the restored database")
                    .contains("RPO").contains("report: ");
        }
        // the scratch clusters were stopped and removed
        try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("dr4j-drill-"))
                    .filter(p -> Files.exists(p.resolve("restored/postmaster.pid")))).isEmpty();
        }
    }

    private static JsonNode objective(JsonNode report, String kind) {
        for (JsonNode o : report.get("objectives")) {
            if (o.get("kind").asText().equals(kind) && o.get("component").asText().equals("DATABASE")) {
                return o;
            }
        }
        throw new AssertionError("no " + kind + " objective in " + report.get("objectives"));
    }
}
