package io.dr4j.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.ProgressListener;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.plan.ObjectiveVerdict;

import org.junit.jupiter.api.Test;

/** The main job, as a test: the database-corruption drill end to end on a real PostgreSQL. */
class CorruptionDemoIT {

    @Test
    void theDrillRecoversEveryOrderAndMeetsTheObjectives() throws Exception {
        Path dir = Path.of("target", "demo-it").toAbsolutePath();
        StringWriter log = new StringWriter();
        CorruptionDemo.Outcome o = new CorruptionDemo(dir, new PrintWriter(log, true), ProgressListener.NONE).run();
        assertThat(o.passed()).as(log.toString()).isTrue();
        assertThat(o.ordersRestored()).isEqualTo(o.ordersBeforeIncident()).isEqualTo(22000);
        assertThat(o.drill().result().verdicts()).hasSize(2)
                .allSatisfy(v -> assertThat(v.verdict()).isEqualTo(ObjectiveVerdict.Verdict.MET));
        assertThat(o.reports()).hasSize(2).allSatisfy(p -> assertThat(p).exists());
        Path json = o.reports().stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        JsonNode report = Json.mapper().readTree(Files.readAllBytes(json));
        assertThat(report.get("drill").asBoolean()).isTrue();
        assertThat(report.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.get("recoveredTo").isNull()).isFalse();
        assertThat(log.toString()).contains("[7/7] report");
        // what the demo leaves behind is a real repository: the backup and the archived WAL
        assertThat(o.repository().resolve("repository.json")).exists();
        assertThat(Files.list(o.repository().resolve("wal")).count()).isPositive();
    }
}
