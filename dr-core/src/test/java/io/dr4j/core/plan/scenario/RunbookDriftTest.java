package io.dr4j.core.plan.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/runbooks/*.md must be exactly what the plans render. Regenerate with
 * {@code ./mvnw -B -o -q -pl dr-core test -Dtest=RunbookDriftTest -Ddr4j.runbooks.update=true}.
 */
class RunbookDriftTest {
    static final String REGENERATE = "./mvnw -B -o -q -pl dr-core test -Dtest=RunbookDriftTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Ddr4j.runbooks.update=true";

    /** docs/runbooks of the repository (the tests run in dr-core/). */
    static Path runbookDir() {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("dr-core")) ? here : here.getParent();
        return root.resolve("docs").resolve("runbooks");
    }

    @Test
    void theCheckedInRunbooksAreWhatThePlansRender() throws IOException {
        Path dir = runbookDir();
        Map<String, String> rendered = Runbooks.render();
        if (Boolean.getBoolean("dr4j.runbooks.update")) {
            Runbooks.write(dir);
        }
        assertThat(rendered.keySet()).contains("database-corruption.md", "server-failure.md", "datacenter-outage.md",
                "ransomware.md", "application-rollback.md", "README.md");
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Path file = dir.resolve(e.getKey());
            assertThat(file).as("%s is missing. Generate the runbooks with: %s", file, REGENERATE).exists();
            assertThat(Files.readString(file))
                    .as("%s differs from what its plan renders (%s): the runbook drifted from the code. Change the plan, "
                            + "not the file, and regenerate with: %s", file, e.getKey(), REGENERATE)
                    .isEqualTo(e.getValue());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")))
                    .as("runbooks in %s that no plan renders (delete them or add the plan)", dir)
                    .allMatch(rendered::containsKey);
        }
    }

    @Test
    void eachRunbookCarriesTheSeedsStepsAndObjectives() {
        Map<String, String> r = Runbooks.render();
        assertThat(r.get("database-corruption.md")).contains("# Runbook: Database corruption")
                .contains("| RTO | Database | 15 min |").contains("| RPO | Database | 1 h |")
                .contains("Stop the application").contains("Identify the last known good backup")
                .contains("Verify data integrity").contains("Restart the application").contains("Monitor for issues");
        assertThat(r.get("server-failure.md")).contains("| RTO | Full system | 2 h |").contains("Provision new infrastructure");
        assertThat(r.get("datacenter-outage.md")).contains("Update DNS to point to the DR site")
                .contains("On a later failure: point the endpoint back at its previous target");
        assertThat(r.get("ransomware.md")).contains("Do NOT pay the ransom").contains("approval point");
        assertThat(r.get("application-rollback.md")).contains("| RTO | Application | 5 min |");
    }
}
