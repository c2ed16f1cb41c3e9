package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.internal.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors of {@code dr plan run} and {@code dr drill}: exit 2, naming what to set. */
class ScenarioCommandsTest {
    @TempDir
    Path dir;

    @Test
    void missingCollaboratorsAreNamedWithTheKeysToSet() {
        CliTest.Run r = CliTest.dr("plan", "run", "database-corruption", "--yes");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("scenario database-corruption needs a PostgreSQL connection: set PGHOST")
                .contains("dr.postgres.host").contains("--repo").contains("dr.repository").contains("--to DIR")
                .contains("dr.plan.stop-command").contains("--health-url").doesNotContain("Exception");

        CliTest.Run drill = CliTest.dr(Map.of("DR_REPOSITORY", dir.toString()), "drill", "database-corruption");
        assertThat(drill.code()).isEqualTo(ExitCode.USAGE);
        assertThat(drill.err()).contains("PGHOST").doesNotContain("--to DIR").doesNotContain("stop-command");
        CliTest.Run drillTo = CliTest.dr(Map.of("DR_REPOSITORY", dir.toString(), "PGHOST", "127.0.0.1"), "drill",
                "database-corruption", "--to", dir.resolve("x").toString());
        assertThat(drillTo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(drillTo.err()).contains("--to and --target-time are for 'dr plan run'");

        CliTest.Run rollback = CliTest.dr(Map.of("DR_DEPLOY_DOCKER_HOST", "unix:///nowhere.sock"), "plan", "run",
                "application-rollback");
        assertThat(rollback.code()).isEqualTo(ExitCode.USAGE);
        assertThat(rollback.err()).contains("--service NAME").contains("--health-url");

        CliTest.Run bad = CliTest.dr(Map.of("DR_DEPLOY_DOCKER_HOST", "unix:///nowhere.sock"), "drill",
                "application-rollback", "--service", "staging-api", "--health-url", "http://127.0.0.1:1/health");
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("--bad-image IMAGE");
    }

    @Test
    void missingConfigurationAndUnknownScenariosAreUsageErrors() {
        CliTest.Run ransomware = CliTest.dr("plan", "run", "ransomware", "--yes");
        assertThat(ransomware.code()).isEqualTo(ExitCode.USAGE);
        assertThat(ransomware.err()).contains("--repo URI").contains("--to DIR").contains("dr.plan.isolate-command")
                .contains("dr.plan.rotate-credentials-command");
        CliTest.Run server = CliTest.dr(Map.of("DR_PLAN_HOOK_TIMEOUT", "soon"), "plan", "run", "server-failure");
        assertThat(server.code()).isEqualTo(ExitCode.USAGE);
        assertThat(server.err()).contains("dr.plan.hook-timeout is not a duration").contains("dr.plan.restore-to");
        CliTest.Run misplaced = CliTest.dr(Map.of("DR_REPOSITORY", "/tmp/x"), "drill", "server-failure",
                "--compromised-at", "2026-11-26T10:00:00Z", "--secondary-repo", "/tmp/y", "--target-time",
                "2026-11-26T10:00:00Z");
        assertThat(misplaced.code()).isEqualTo(ExitCode.USAGE);
        assertThat(misplaced.err()).contains("--compromised-at is for the ransomware scenario")
                .contains("--secondary-repo is for the datacenter-outage scenario")
                .contains("--target-time is for database-corruption");
        CliTest.Run unknown = CliTest.dr("drill", "database-corupption");
        assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("Unknown scenario").contains("database-corruption");
        CliTest.Run platform = CliTest.dr("plan", "run", "application-rollback", "--platform", "nomad");
        assertThat(platform.code()).isEqualTo(ExitCode.USAGE);
        assertThat(platform.err()).contains("docker or k8s");
    }

    @Test
    void aRealRunNeedsYesWithoutATerminalAndTheDryRunRunsNothing() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("DR_REPOSITORY", dir.resolve("repo").toString());
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", "1");
        env.put("PGUSER", "app");
        env.put("PGPASSWORD", "s3cret-value");
        env.put("DR_PLAN_STOP_COMMAND", "touch " + dir.resolve("stopped-{service}"));
        env.put("DR_PLAN_START_COMMAND", "true");
        env.put("DR_OBJECTIVES_RTO_DATABASE", "20m");
        Path to = dir.resolve("restored");
        String[] args = {"plan", "run", "database-corruption", "--to", to.toString(), "--service", "api",
                "--health-url", "http://127.0.0.1:1/health"};
        CliTest.Run noYes = CliTest.dr(env, args);
        assertThat(noYes.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noYes.err()).contains("pass --yes").contains("--dry-run");

        String[] dry = java.util.Arrays.copyOf(args, args.length + 1);
        dry[args.length] = "--dry-run";
        CliTest.Run d = CliTest.dr(env, dry);
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).contains("DRY RUN").contains(to.toString()).contains("api (stop: 'touch")
                .contains("app@127.0.0.1:1/").contains("(password set)").contains("RTO objective        20 min")
                .contains("stop-application").contains("restore-database").doesNotContain("s3cret-value");
        assertThat(Files.exists(dir.resolve("stopped-api"))).as("the dry run stopped nothing").isFalse();
        assertThat(to).doesNotExist();

        CliTest.Run json = CliTest.dr(env, "--json", "drill", "database-corruption", "--dry-run");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode n = Json.mapper().readTree(json.out());
        assertThat(n.get("drill").asBoolean()).isTrue();
        assertThat(n.get("steps").get(0).asText()).isIn("stop-application", "pick-backup");
        assertThat(n.get("collaborators").get("services").asText()).contains("not touched");

        // the dry run of the site scenarios names each hook, or says its step will report it was skipped
        env.put("DR_PLAN_TRAFFIC_COMMAND", "/opt/dns/point-to-dr.sh");
        CliTest.Run dc = CliTest.dr(env, "plan", "run", "datacenter-outage", "--dry-run", "--secondary-repo",
                dir.resolve("mirror").toString(), "--to", to.toString());
        assertThat(dc.code()).as(dc.err()).isZero();
        assertThat(dc.out()).contains("the secondary region's copy only").contains(dir.resolve("mirror").toString())
                .contains("'/opt/dns/point-to-dr.sh' (dr.plan.traffic-command)")
                .contains("not configured (dr.plan.provision-command): the step reports it was skipped")
                .contains("switch-traffic").contains("DRY RUN");
        assertThat(to).doesNotExist();
    }
}
