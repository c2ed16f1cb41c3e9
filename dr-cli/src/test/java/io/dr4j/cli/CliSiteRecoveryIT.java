package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.internal.json.Json;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * server-failure, datacenter-outage and ransomware from the command line, for real, on one PostgreSQL 15 cluster
 * shared by the class: two full backups with rows written before, between and after them, all WAL archived. The hooks
 * are shell scripts that record their environment; the restored servers are asked for their rows.
 */
class CliSiteRecoveryIT {
    @TempDir
    static Path shared;

    static ArchivedCluster src;
    static String older;
    static String newer;
    static Instant beforeCompromise;

    @TempDir
    Path dir;

    @BeforeAll
    static void cluster() throws Exception {
        src = ArchivedCluster.start(shared.resolve("source"), "dr4j_cli_site",
                "CREATE TABLE orders (id int primary key, v text)",
                "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        src.backup("--type", "full");
        src.sql("INSERT INTO orders SELECT g, 'between the backups' FROM generate_series(1001, 1200) g");
        src.backup("--type", "full");
        src.sql("INSERT INTO orders SELECT g, 'after the backups' FROM generate_series(1201, 1300) g");
        Thread.sleep(200);
        beforeCompromise = src.serverNow();
        Thread.sleep(200);
        src.sql("INSERT INTO orders SELECT g, 'written by the attacker' FROM generate_series(1301, 1350) g");
        src.awaitArchived();
        List<BackupManifest> backups = src.repo.catalog().list().stream()
                .sorted(Comparator.comparing(BackupManifest::finishedAt)).toList();
        assertThat(backups).hasSize(2);
        older = backups.get(0).id();
        newer = backups.get(1).id();
    }

    @AfterAll
    static void stop() throws Exception {
        if (src != null) {
            src.close();
        }
    }

    /** A hook script that records its DR4J_* environment (and its name) into {@code <dir>/<name>.env}. */
    private Path hook(String name, String extra) throws IOException {
        Path script = dir.resolve(name + ".sh");
        Files.writeString(script, "#!/bin/sh\nenv | grep '^DR4J_' | sort > '" + dir.resolve(name + ".env")
                + "'\necho \"" + name + " ran\"\n" + extra + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Properties recorded(String name) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve(name + ".env"))) {
            p.load(in);
        }
        return p;
    }

    private Map<String, String> env() {
        return new HashMap<>(src.env);
    }

    /** A copy of the repository, as a mirror in another region would hold it. */
    private Path copyOfRepository(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (var s = Files.walk(src.repoDir)) {
            for (Path p : s.toList()) {
                Path t = copy.resolve(src.repoDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.toString().endsWith(".tmp")) {
                    Files.copy(p, t);
                }
            }
        }
        return copy;
    }

    @Test
    void serverFailurePlanRunRestoresTheNewestBackupAndAllWalAndRunsTheHooks() throws Exception {
        Map<String, String> env = env();
        // provisioning with the Terraform step: a stand-in terraform that logs its arguments and has one output
        Path tf = Files.createDirectories(dir.resolve("infrastructure"));
        Path vars = Files.writeString(tf.resolve("terraform.prod.tfvars"), "size = \"large\"\n");
        Path terraform = dir.resolve("terraform");
        Files.writeString(terraform, "#!/bin/sh\necho \"$*\" >> '" + dir.resolve("terraform.log") + "'\n"
                + "case \"$1\" in\n"
                + "  plan) echo 'Plan: 1 to add, 0 to change, 0 to destroy.'; exit 2;;\n"
                + "  apply) echo 'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.';;\n"
                + "  output) echo '{\"db_host\":{\"sensitive\":false,\"type\":\"string\",\"value\":\"10.0.0.7\"}}';;\n"
                + "esac\n");
        Files.setPosixFilePermissions(terraform, PosixFilePermissions.fromString("rwx------"));
        env.put("DR_PLAN_TERRAFORM_DIR", tf.toString());
        env.put("DR_PLAN_TERRAFORM_VAR_FILE", vars.toString());
        env.put("DR_PLAN_TERRAFORM_BINARY", terraform.toString());
        env.put("DR_PLAN_DEPLOY_COMMAND", hook("deploy", "").toString());
        int port = ScratchCluster.freePort();
        Path to = dir.resolve("new-server-data");
        CliTest.Run run = CliTest.dr(env, "plan", "run", "server-failure", "--yes", "--to", to.toString(),
                "--restore-port", Integer.toString(port), "--monitor", "1s", "--report", dir.resolve("r").toString(),
                "--check", "SELECT count(*) = 1350 FROM orders", "--json");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).contains("provision: SUCCEEDED").contains("dr.plan.deploy-command: deploy ran")
                .contains("restore-database: SUCCEEDED").contains("verify-services: SUCCEEDED");
        assertThat(Files.readAllLines(dir.resolve("terraform.log"))).hasSize(4).satisfies(l -> {
            assertThat(l.get(0)).startsWith("init -input=false");
            assertThat(l.get(1)).startsWith("plan ").contains("-var-file=" + vars);
            assertThat(l.get(2)).startsWith("apply ").endsWith("dr4j.tfplan");
            assertThat(l.get(3)).startsWith("output -json");
        });
        Properties p = recorded("deploy");
        assertThat(p.getProperty("DR4J_SCENARIO")).isEqualTo("server-failure");
        assertThat(p.getProperty("DR4J_STEP")).isEqualTo("deploy-application");
        assertThat(p.getProperty("DR4J_NEW_PGDATA")).isEqualTo(to.toString());
        assertThat(p.getProperty("DR4J_RESTORED_PORT")).isEqualTo(Integer.toString(port));
        assertThat(p.getProperty("DR4J_DRILL")).isEqualTo("false");
        JsonNode report = Json.mapper().readTree(run.out()).get("report");
        assertThat(step(report, "provision").get("message").asText()).contains("Apply complete!");
        assertThat(step(report, "provision").get("outputs").get("output.db_host").asText()).isEqualTo("10.0.0.7");
        assertThat(objective(report, "RTO", "FULL_SYSTEM").get("verdict").asText()).isEqualTo("MET");
        assertThat(objective(report, "RPO", "DATABASE").get("verdict").asText()).isEqualTo("MET");
        // the newest backup and every archived WAL: all 1350 rows, the last written after both backups
        assertThat(src.countOnRestored(to, port, "SELECT count(*) FROM orders")).isEqualTo(1350);
    }

    @Test
    void serverFailureDrillRestoresIntoScratchAndRemovesIt() throws Exception {
        Map<String, String> env = env();
        env.put("DR_PLAN_PROVISION_COMMAND", hook("provision", "").toString());
        CliTest.Run drill = CliTest.dr(env, "drill", "server-failure", "--monitor", "1s", "--report",
                dir.resolve("r").toString(), "--check", "SELECT count(*) = 1350 FROM orders", "--json");
        assertThat(drill.code()).as(drill.out() + drill.err()).isEqualTo(ExitCode.OK);
        assertThat(dir.resolve("provision.env")).as("a drill never runs a hook").doesNotExist();
        JsonNode out = Json.mapper().readTree(drill.out());
        JsonNode report = out.get("report");
        assertThat(report.get("drill").asBoolean()).isTrue();
        assertThat(step(report, "provision").get("message").asText()).contains("SIMULATED in the drill, not done");
        assertThat(report.get("environment").get("check 1").asText()).endsWith("-> true");
        JsonNode rto = objective(report, "RTO", "FULL_SYSTEM");
        JsonNode rpo = objective(report, "RPO", "DATABASE");
        assertThat(rto.get("achievedSeconds").asDouble()).isPositive().isLessThan(120);
        assertThat(rpo.get("verdict").asText()).isEqualTo("MET");
        System.out.printf("dr drill server-failure: RTO %.1f s, RPO %.1f s%n", rto.get("achievedSeconds").asDouble(),
                rpo.get("achievedSeconds").asDouble());
        assertNoScratchLeft();
    }

    @Test
    void datacenterOutageRecoversFromTheSecondaryWithThePrimaryGone() throws Exception {
        Path mirror = copyOfRepository("mirror");
        Map<String, String> env = env();
        env.put("DR_REPOSITORY", dir.resolve("primary-is-gone").toString()); // never existed: the region is down
        env.put("DR_PLAN_TRAFFIC_COMMAND", hook("traffic", "").toString());
        int port = ScratchCluster.freePort();
        Path to = dir.resolve("dr-site-data");
        CliTest.Run run = CliTest.dr(env, "plan", "run", "datacenter-outage", "--yes", "--secondary-repo",
                mirror.toString(), "--to", to.toString(), "--restore-port", Integer.toString(port), "--monitor", "1s",
                "--report", dir.resolve("r").toString(), "--json");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
        JsonNode report = Json.mapper().readTree(run.out()).get("report");
        assertThat(step(report, "switch-traffic").get("message").asText()).contains("done by dr.plan.traffic-command");
        // no provisioning or deploy hook configured: said so, never claimed
        assertThat(step(report, "provision-dr-site").get("message").asText())
                .startsWith("SKIPPED, not done").contains("dr.plan.provision-command is not configured");
        assertThat(step(report, "deploy-application").get("message").asText()).startsWith("SKIPPED, not done");
        Properties p = recorded("traffic");
        assertThat(p.getProperty("DR4J_SCENARIO")).isEqualTo("datacenter-outage");
        assertThat(p.getProperty("DR4J_REPOSITORY")).contains("mirror");
        assertThat(p.getProperty("DR4J_RESTORED_HOST")).isEqualTo("127.0.0.1");
        assertThat(p.getProperty("DR4J_RESTORED_PORT")).isEqualTo(Integer.toString(port));
        assertThat(p.getProperty("DR4J_BACKUP_ID")).isEqualTo(newer);
        assertThat(Files.exists(dir.resolve("primary-is-gone"))).as("the primary was not created").isFalse();
        assertThat(src.countOnRestored(to, port, "SELECT count(*) FROM orders")).isEqualTo(1350);

        // the drill reads only the secondary, too
        CliTest.Run drill = CliTest.dr(env, "drill", "datacenter-outage", "--secondary-repo", mirror.toString(),
                "--monitor", "1s", "--report", dir.resolve("r").toString(), "--check",
                "SELECT count(*) = 1350 FROM orders");
        assertThat(drill.code()).as(drill.out() + drill.err()).isEqualTo(ExitCode.OK);
        assertThat(drill.out()).contains("Drill succeeded").contains("RTO").contains("RPO");
        assertThat(Files.exists(dir.resolve("primary-is-gone"))).isFalse();
        assertNoScratchLeft();
    }

    @Test
    void ransomwareSkipsTheCorruptedNewestBackupAndRestoresTheOlderIntoANewDirectory() throws Exception {
        Path repo = copyOfRepository("repo-with-corrupt-newest");
        flipAByteOfAnObjectOf(repo, newer);
        Map<String, String> env = env();
        env.put("DR_REPOSITORY", repo.toString());
        env.put("DR_PLAN_ISOLATE_COMMAND", hook("isolate", "").toString());
        env.put("DR_PLAN_ROTATE_CREDENTIALS_COMMAND", hook("rotate", "").toString());
        int port = ScratchCluster.freePort();
        Path base = dir.resolve("clean");
        CliTest.Run run = CliTest.dr(env, "plan", "run", "ransomware", "--yes", "--to", base.toString(),
                "--compromised-at", beforeCompromise.toString(), "--restore-port", Integer.toString(port),
                "--report", dir.resolve("r").toString(), "--check", "SELECT count(*) = 1300 FROM orders", "--json");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
        JsonNode report = Json.mapper().readTree(run.out()).get("report");
        assertThat(Instant.parse(report.get("incidentAt").asText())).isEqualTo(beforeCompromise);
        JsonNode rpo = objective(report, "RPO", "DATABASE");
        assertThat(rpo.get("verdict").asText()).isEqualTo("MET");
        assertThat(rpo.get("achievedSeconds").asDouble()).as("recovered to just before the compromise").isLessThan(5);
        JsonNode find = step(report, "find-clean-backup");
        assertThat(find.get("message").asText()).contains("backup " + older).contains("rejected: " + newer);
        assertThat(recorded("isolate").getProperty("DR4J_STEP")).isEqualTo("isolate");
        Properties rotate = recorded("rotate");
        assertThat(rotate.getProperty("DR4J_BACKUP_ID")).isEqualTo(older);
        assertThat(rotate.getProperty("DR4J_COMPROMISED_AT")).isEqualTo(beforeCompromise.toString());
        Path restored = Path.of(rotate.getProperty("DR4J_NEW_PGDATA"));
        assertThat(restored.getParent()).isEqualTo(base);
        // the older backup plus the WAL up to the compromise: the attacker's rows are not there
        assertThat(src.countOnRestored(restored, port, "SELECT count(*) FROM orders")).isEqualTo(1300);

        // the drill: the corrupted backup is a finding, the older one is restored in scratch; no hook runs
        Files.delete(dir.resolve("isolate.env"));
        CliTest.Run drill = CliTest.dr(env, "drill", "ransomware", "--compromised-at", beforeCompromise.toString(),
                "--monitor", "1s", "--report", dir.resolve("r").toString(), "--check",
                "SELECT count(*) = 1300 FROM orders");
        assertThat(drill.code()).as(drill.out() + drill.err()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(drill.out()).contains("finding: Backup rejected by the read-data verification: " + newer);
        assertThat(dir.resolve("isolate.env")).doesNotExist();
        assertNoScratchLeft();

        // no backup verifies: exit 3, nothing restored
        flipAByteOfAnObjectOf(repo, older);
        CliTest.Run none = CliTest.dr(env, "drill", "ransomware", "--report", dir.resolve("r").toString());
        assertThat(none.code()).as(none.out() + none.err()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(none.out()).contains("failed step: find-clean-backup").contains("No clean backup");
    }

    @Test
    void aFailingHookFailsTheRunNamingItsKey() throws Exception {
        Map<String, String> env = env();
        env.put("DR_PLAN_PROVISION_COMMAND", hook("provision", "echo 'quota exceeded for instances' >&2; exit 1")
                .toString());
        CliTest.Run run = CliTest.dr(env, "plan", "run", "server-failure", "--yes", "--to",
                dir.resolve("never").toString(), "--report", dir.resolve("r").toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).contains("failed step: provision").contains("dr.plan.provision-command")
                .contains("exit code 1").contains("quota exceeded for instances");
        assertThat(dir.resolve("never")).as("nothing restored after the failed provisioning").doesNotExist();

        // a hook that hangs is stopped at dr.plan.hook-timeout, and its step fails
        env.put("DR_PLAN_HOOK_TIMEOUT", "1s");
        env.put("DR_PLAN_PROVISION_COMMAND", hook("slow", "echo 'waiting for capacity' >&2; sleep 30").toString());
        long t0 = System.nanoTime();
        CliTest.Run slow = CliTest.dr(env, "plan", "run", "server-failure", "--yes", "--to",
                dir.resolve("never").toString(), "--report", dir.resolve("r").toString());
        assertThat(slow.code()).as(slow.out() + slow.err()).isEqualTo(ExitCode.FAILED);
        assertThat(slow.out()).contains("dr.plan.provision-command").contains("did not finish within 1 s")
                .contains("waiting for capacity");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(20));
    }

    @Test
    void missingConfigurationIsReportedAllAtOnce() {
        Map<String, String> env = env();
        CliTest.Run rw = CliTest.dr(env, "plan", "run", "ransomware", "--yes");
        assertThat(rw.code()).as(rw.out() + rw.err()).isEqualTo(ExitCode.USAGE);
        assertThat(rw.err()).contains("--to DIR").contains("dr.plan.restore-to").contains("dr.plan.isolate-command")
                .contains("dr.plan.rotate-credentials-command");
        env.remove("DR_REPOSITORY");
        CliTest.Run dc = CliTest.dr(env, "plan", "run", "datacenter-outage", "--yes");
        assertThat(dc.code()).isEqualTo(ExitCode.USAGE);
        assertThat(dc.err()).contains("dr.plan.secondary-repository").contains("--secondary-repo")
                .contains("dr.plan.restore-to");
    }

    @Test
    void theSeedsScriptsRunThePlans() throws Exception {
        Map<String, String> env = env();
        env.put("DR_PLAN_REPORT_DIR", dir.resolve("r").toString());
        env.put("DR_PLAN_MONITOR", "1s");
        env.put("DR_PLAN_PROVISION_COMMAND", hook("provision", "").toString());
        int port = ScratchCluster.freePort();
        env.put("DR_RESTORE_PORT", Integer.toString(port));
        Path to = dir.resolve("script-server");
        var full = ScriptsIT.run(env, "full-system-recovery.sh", to.toString());
        assertThat(full.exitCode()).as(full.output()).isZero();
        assertThat(full.output()).contains("Recovery succeeded: plan server-failure SUCCEEDED");
        assertThat(recorded("provision").getProperty("DR4J_NEW_PGDATA")).isEqualTo(to.toString());
        assertThat(src.countOnRestored(to, port, "SELECT count(*) FROM orders")).isEqualTo(1350);

        Path mirror = copyOfRepository("offsite");
        env.remove("DR_PLAN_PROVISION_COMMAND");
        env.put("DR_REPOSITORY", dir.resolve("primary-is-gone").toString());
        env.put("DR_OFFSITE_REPOSITORY", mirror.toString());
        env.put("DR_SWITCH_TRAFFIC_COMMAND", hook("dns", "").toString());
        Path site = dir.resolve("script-dr-site");
        var dc = ScriptsIT.run(env, "datacenter-failover.sh", site.toString());
        assertThat(dc.exitCode()).as(dc.output()).isZero();
        assertThat(recorded("dns").getProperty("DR4J_STEP")).isEqualTo("switch-traffic");
        assertThat(src.countOnRestored(site, port, "SELECT count(*) FROM orders")).isEqualTo(1350);

        env.put("DR_REPOSITORY", src.repoDir.toString());
        env.put("DR_ISOLATE_COMMAND", hook("isolate", "").toString());
        env.put("DR_PLAN_ROTATE_CREDENTIALS_COMMAND", hook("rotate", "").toString());
        var rw = ScriptsIT.run(env, "ransomware-recovery.sh", beforeCompromise.toString(),
                dir.resolve("script-clean").toString());
        assertThat(rw.exitCode()).as(rw.output()).isZero();
        assertThat(recorded("isolate").getProperty("DR4J_SCENARIO")).as("DR_ISOLATE_COMMAND still isolates")
                .isEqualTo("ransomware");
        Path clean = Path.of(recorded("rotate").getProperty("DR4J_NEW_PGDATA"));
        assertThat(clean.getParent()).isEqualTo(dir.resolve("script-clean"));
        assertThat(src.countOnRestored(clean, port, "SELECT count(*) FROM orders")).isEqualTo(1300);
    }

    private static void flipAByteOfAnObjectOf(Path repo, String backupId) throws IOException {
        BackupManifest m = src.repo.catalog().find(backupId).orElseThrow();
        BackupFile f = m.files().stream().filter(x -> x.kind() == BackupFile.Kind.FILE && x.objectKey() != null
                        && x.fromBackup() == null && x.storedSize() > 64)
                .max(Comparator.comparingLong(BackupFile::storedSize)).orElseThrow();
        Path object = repo.resolve(f.objectKey());
        try (FileChannel ch = FileChannel.open(object, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = ch.size() / 2;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, at);
        }
    }

    private static void assertNoScratchLeft() throws IOException {
        try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // every scratch server of these drills was stopped (their directories removed)
            assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("dr4j-drill-")).filter(p -> {
                try (var w = Files.walk(p, 3)) {
                    return w.anyMatch(x -> x.getFileName().toString().equals("postmaster.pid"));
                } catch (IOException e) {
                    return false;
                }
            })).isEmpty();
        }
    }

    private static JsonNode step(JsonNode report, String id) {
        for (JsonNode s : report.get("steps")) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id + " in " + report.get("steps"));
    }

    private static JsonNode objective(JsonNode report, String kind, String component) {
        for (JsonNode o : report.get("objectives")) {
            if (o.get("kind").asText().equals(kind) && o.get("component").asText().equals(component)) {
                return o;
            }
        }
        throw new AssertionError("no " + kind + " " + component + " objective in " + report.get("objectives"));
    }
}
