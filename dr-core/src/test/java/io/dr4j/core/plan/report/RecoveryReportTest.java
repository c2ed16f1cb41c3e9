package io.dr4j.core.plan.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.plan.Steps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryReportTest {
    private static final String GOLDEN = "report-fields.txt";

    private static RecoveryPlan plan(boolean failVerify) {
        return RecoveryPlan.builder("db-restore").title("Database restore").rto(Component.DATABASE).rpo(Component.DATABASE)
                .step(Step.builder("restore").title("Restore the database").action(ctx -> StepOutput.of("restored",
                        Map.of("backupId", "20261126T020000Z-full")).withRecoveredTo(ctx.incidentAt().minusSeconds(600))))
                .step(Steps.verify("verify", "Verify", List.of()).dependsOn("restore").action(ctx -> {
                    if (failVerify) {
                        throw StepFailedException.permanent("table orders missing");
                    }
                    return StepOutput.of("healthy");
                }))
                .build();
    }

    private static RecoveryReport report(boolean failVerify) {
        RecoveryPlan plan = plan(failVerify);
        Instant incident = Instant.now().minus(Duration.ofMinutes(5));
        PlanResult r = PlanRunner.builder().build().run(plan, RunRequest.defaults().incidentAt(incident)
                .declaredAt(incident.plusSeconds(60)));
        return RecoveryReport.of(plan, r, new PostMortem("a migration dropped the table", "orders unavailable 7 min",
                List.of("rehearse quarterly"), List.of("add a pre-migration backup")), true, Map.of("host", "ci"));
    }

    /** Every field path of the JSON, arrays as [], sorted. */
    static TreeSet<String> paths(JsonNode node, String prefix, TreeSet<String> out) {
        if (node.isObject()) {
            if (prefix.endsWith(".outputs") || prefix.endsWith(".environment")) {
                out.add(prefix + "{}");
                return out;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String p = prefix + "." + e.getKey();
                out.add(p);
                paths(e.getValue(), p, out);
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                paths(n, prefix + "[]", out);
            }
        }
        return out;
    }

    @Test
    void theJsonFieldNamesMatchTheCheckedInSchema() throws IOException {
        ObjectMapper m = new ObjectMapper();
        TreeSet<String> ok = paths(m.readTree(report(false).toJson()), "$", new TreeSet<>());
        TreeSet<String> failed = paths(m.readTree(report(true).toJson()), "$", new TreeSet<>());
        String golden;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TreeSet<String> expected = new TreeSet<>(golden.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        assertThat(ok).as("The report JSON schema changed. Fields may only be added, with a new SCHEMA_VERSION and "
                        + "dr-core/src/test/resources/io/dr4j/core/plan/report/" + GOLDEN + " updated. Actual fields:\n"
                        + String.join("\n", ok))
                .containsExactlyElementsOf(expected);
        assertThat(failed).as("a failed run has the same fields (nulls are written)").isEqualTo(ok);
        assertThat(m.readTree(report(false).toJson()).get("schemaVersion").asInt()).isEqualTo(RecoveryReport.SCHEMA_VERSION);
    }

    /** docs/recovery-report.schema.json (the tests run in dr-core/). */
    static Path schemaFile() {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("dr-core")) ? here : here.getParent();
        return root.resolve("docs").resolve("recovery-report.schema.json");
    }

    /** The field paths a JSON Schema declares, in the notation of {@link #paths}. */
    static TreeSet<String> schemaPaths(JsonNode schema, String prefix, TreeSet<String> out) {
        if (schema.has("properties")) {
            for (Map.Entry<String, JsonNode> e : schema.get("properties").properties()) {
                String p = prefix + "." + e.getKey();
                out.add(p);
                schemaPaths(e.getValue(), p, out);
            }
        } else if (schema.path("additionalProperties").isObject()) {
            out.add(prefix + "{}");
        } else if (schema.has("items")) {
            schemaPaths(schema.get("items"), prefix + "[]", out);
        }
        return out;
    }

    /** A small validator for the keywords the schema uses: type, const, enum, required, properties, items. */
    static void validate(JsonNode schema, JsonNode value, String at, List<String> errors) {
        JsonNode type = schema.get("type");
        if (type != null) {
            List<String> types = new java.util.ArrayList<>();
            type.forEach(t -> types.add(t.asText()));
            if (type.isTextual()) {
                types.add(type.asText());
            }
            String actual = value.isNull() ? "null" : value.isTextual() ? "string" : value.isIntegralNumber()
                    ? "integer" : value.isNumber() ? "number" : value.isBoolean() ? "boolean" : value.isArray() ? "array"
                    : "object";
            if (!types.contains(actual) && !(actual.equals("integer") && types.contains("number"))) {
                errors.add(at + " is " + actual + ", schema says " + types);
            }
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            errors.add(at + " is " + value + ", schema says const " + schema.get("const"));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value);
            }
            if (!found) {
                errors.add(at + " = " + value + " is not in " + schema.get("enum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    errors.add(at + " lacks required " + r.asText());
                }
            }
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                JsonNode sub = schema.path("properties").get(e.getKey());
                if (sub == null) {
                    sub = schema.get("additionalProperties");
                }
                if (sub == null || sub.isBoolean() && !sub.asBoolean()) {
                    errors.add(at + "." + e.getKey() + " is not in the schema");
                } else if (sub.isObject()) {
                    validate(sub, e.getValue(), at + "." + e.getKey(), errors);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            int i = 0;
            for (JsonNode item : value) {
                validate(schema.get("items"), item, at + "[" + i++ + "]", errors);
            }
        }
    }

    @Test
    void reportsValidateAgainstTheCheckedInJsonSchema() throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode schema = m.readTree(schemaFile().toFile());
        String golden;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TreeSet<String> expected = new TreeSet<>(golden.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        assertThat(schemaPaths(schema, "$", new TreeSet<>())).as("docs/recovery-report.schema.json declares the "
                + "golden fields").containsExactlyElementsOf(expected);
        for (boolean fail : new boolean[] {false, true}) {
            List<String> errors = new java.util.ArrayList<>();
            validate(schema, m.readTree(report(fail).toJson()), "$", errors);
            assertThat(errors).as("report (failed run: %s) against the schema", fail).isEmpty();
        }
        List<String> errors = new java.util.ArrayList<>();
        validate(schema, m.readTree("{\"schema\":\"x\",\"schemaVersion\":2,\"extra\":1}"), "$", errors);
        assertThat(errors).as("the validator catches wrong documents").anyMatch(e -> e.contains("const"))
                .anyMatch(e -> e.contains("lacks required runId")).anyMatch(e -> e.contains("$.extra is not in the schema"));
    }

    @Test
    void theJsonReadsBackToTheSameReport() {
        RecoveryReport r = report(false);
        assertThat(RecoveryReport.fromJson(r.toJson())).isEqualTo(r);
    }

    @Test
    void theReportCarriesVerdictsAndThePostMortemFilledFromTheRun(@TempDir Path dir) throws IOException {
        RecoveryReport failed = report(true);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.objectives()).extracting(RecoveryReport.Objective::verdict).containsExactly("MISSED", "MET");
        assertThat(failed.objectives().get(1).achievedSeconds()).isEqualTo(600.0);
        assertThat(failed.postMortem().actionsTaken()).anySatisfy(a -> assertThat(a).contains("Restore the database")
                .contains("SUCCEEDED"));
        assertThat(failed.postMortem().actionItems()).contains("add a pre-migration backup")
                .anySatisfy(a -> assertThat(a).contains("Investigate step 'verify'").contains("table orders missing"));
        assertThat(failed.postMortem().lessonsLearned()).anySatisfy(l -> assertThat(l).startsWith("RTO objective for Database missed"));

        List<Path> files = failed.writeTo(dir);
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly(failed.runId() + ".json", failed.runId() + ".md");
        String md = Files.readString(files.get(1));
        assertThat(md).startsWith("# DR drill report: Database restore")
                .contains("| RTO | DATABASE | 15 min |").contains("**MISSED**")
                .contains("### 1. Timeline").contains("### 2. Root cause\n\na migration dropped the table")
                .contains("### 3. Impact\n\norders unavailable 7 min").contains("### 4. Actions taken")
                .contains("### 5. Lessons learned").contains("### 6. Action items").contains("- [ ] add a pre-migration backup");
    }

    @Test
    void anEmptyPostMortemAsksForTheMissingParts() {
        RecoveryPlan plan = plan(false);
        RecoveryReport r = RecoveryReport.of(plan, PlanRunner.builder().build().run(plan, RunRequest.defaults()));
        assertThat(r.toMarkdown()).contains("### 2. Root cause\n\n_To be completed by the incident team._")
                .startsWith("# Recovery report:");
    }
}
