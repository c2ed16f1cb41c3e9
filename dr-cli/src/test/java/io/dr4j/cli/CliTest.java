package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run dr(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Run(code, out.toString(), err.toString());
    }

    static Run dr(String... args) {
        return dr(Map.of(), args);
    }

    private void oneBackup() {
        Repository repo = Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, "sys-1", "postgresql");
        BackupSession s = repo.catalog().begin("20261120T020000Z-full");
        StoredObject o = s.writeFile("base/1/1259", new ByteArrayInputStream(new byte[4096]));
        s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys-1", "postgresql",
                Instant.parse("2026-11-20T02:00:00Z"), Instant.parse("2026-11-20T02:01:00Z"), Map.of("timeline", "1"),
                Map.of(), List.of(new BackupFile("base/1/1259", BackupFile.Kind.FILE, o.size(), o.storedSize(),
                o.sha256(), o.key(), null, null, 0600, null, null)), o.size(), o.storedSize()));
    }

    @Test
    void helpAndVersionSucceed() {
        Run help = dr("--help");
        assertThat(help.code()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("Exit codes:").contains("list").contains("DR_*");
        assertThat(dr("--version").out()).contains("dr4j");
    }

    @Test
    void usageErrorsExitWithTwoAndSuggest() {
        Run typo = dr("lsit");
        assertThat(typo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("Did you mean 'dr list'?");
        Run option = dr("list", "--jsn");
        assertThat(option.code()).isEqualTo(ExitCode.USAGE);
        assertThat(option.err()).contains("--json");
        Run noRepo = dr("list");
        assertThat(noRepo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noRepo.err()).contains("--repo").contains("DR_REPOSITORY").doesNotContain("Exception");
    }

    @Test
    void failuresExitWithOneWithoutStackTraceUnlessVerbose() {
        Run missing = dr("list", "--repo", dir.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(ExitCode.FAILED);
        assertThat(missing.err()).contains("No dr4j repository").doesNotContain("\tat ");
        Run verbose = dr("list", "-v", "--repo", dir.resolve("none").toString());
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void listsAndShowsBackupsForPeopleAndScripts() throws Exception {
        oneBackup();
        Run table = dr("list", "--repo", dir.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("ID").contains("20261120T020000Z-full").contains("full");

        Run json = dr(Map.of("DR_REPOSITORY", dir.toUri().toString()), "list", "--json");
        assertThat(json.code()).isZero();
        JsonNode rows = Json.mapper().readTree(json.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("id").asText()).isEqualTo("20261120T020000Z-full");
        assertThat(rows.get(0).get("size").asLong()).isEqualTo(4096);

        Run info = dr("info", "20261120T020000Z-full", "--files", "--repo", dir.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("base/1/1259").contains("sys-1");
        Run unknown = dr("info", "20991120T020000Z-full", "--repo", dir.toString());
        assertThat(unknown.code()).isEqualTo(ExitCode.FAILED);
        assertThat(unknown.err()).contains("No backup 20991120T020000Z-full").contains("20261120T020000Z-full");
        Run hostile = dr("info", "../etc", "--repo", dir.toString());
        assertThat(hostile.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void configFileHasLowestPrecedence() throws Exception {
        oneBackup();
        Path props = dir.resolve("dr.properties");
        java.nio.file.Files.writeString(props, "dr.repository=" + dir.resolve("wrong") + "\n");
        // the environment overrides the file
        Run env = dr(Map.of("DR_REPOSITORY", dir.toString()), "list", "--config", props.toString());
        assertThat(env.code()).isZero();
        assertThat(env.out()).contains("20261120T020000Z-full");
        // the flag overrides both
        Run flag = dr(Map.of("DR_REPOSITORY", dir.resolve("wrong2").toString()), "list", "--config", props.toString(),
                "--repo", dir.toString());
        assertThat(flag.out()).contains("20261120T020000Z-full");
        Run missingFile = dr("list", "--config", dir.resolve("nope.properties").toString());
        assertThat(missingFile.code()).isEqualTo(ExitCode.USAGE);
        assertThat(missingFile.err()).contains("nope.properties");
    }

    @Test
    void verifyExitsWithThreeWhenDataIsCorrupt() throws Exception {
        oneBackup();
        Run ok = dr("verify", "--read-data", "--repo", dir.toString());
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("read-data").contains("passed");
        Path obj = dir.resolve("backups/20261120T020000Z-full/data/base/1/1259.zst");
        byte[] b = java.nio.file.Files.readAllBytes(obj);
        b[b.length - 5] ^= 0x55;
        java.nio.file.Files.write(obj, b);
        Run bad = dr("verify", "--read-data", "--repo", dir.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(bad.out()).contains("FAILED").contains("base/1/1259.zst");
        Run json = dr("verify", "--read-data", "--json", "--repo", dir.toString());
        assertThat(Json.mapper().readTree(json.out()).get("passed").asBoolean()).isFalse();
        assertThat(dr("verify", "--sample", "5", "--repo", dir.toString()).code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void expireIsADryRunUntilConfirmed() {
        oneBackup();
        Repository repo = Repository.open(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT);
        BackupSession s = repo.catalog().begin("20261125T020000Z-full");
        s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys-1", "postgresql",
                Instant.now().minusSeconds(3600), Instant.now().minusSeconds(3000), Map.of(), Map.of(), List.of(), 0, 0));
        Run dry = dr("expire", "--policy", "keep-last:1", "--repo", dir.toString());
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("would delete").contains("Would delete 1 backups").contains("--confirm");
        assertThat(repo.catalog().list()).hasSize(2);
        Run real = dr("expire", "--policy", "keep-last:1", "--confirm", "--repo", dir.toString());
        assertThat(real.out()).contains("Deleted 1 backups");
        assertThat(repo.catalog().list()).extracting(BackupManifest::id).containsExactly("20261125T020000Z-full");
        Run bad = dr("expire", "--policy", "forever", "--repo", dir.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("Unknown retention policy");
    }

    @Test
    void encryptedAndMirroredRepositoriesFromConfiguration() throws Exception {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        String key = java.util.Base64.getEncoder().encodeToString(k);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        var cfg = io.dr4j.core.config.ProviderConfig.of(Map.of("dr.repository", "mirror:" + a.toUri() + "," + b.toUri(),
                "dr.repository.key", key));
        try (var dr = io.dr4j.core.DisasterRecovery.configure().config(cfg).load()) {
            Repository repo = dr.openRepository("sys-9", "postgresql");
            BackupSession s = repo.catalog().begin("20261120T020000Z-full");
            StoredObject o = s.writeFile("f", new ByteArrayInputStream(new byte[100]));
            assertThat(o.key()).endsWith(".zst.enc");
            s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys-9", "postgresql", Instant.now(),
                    Instant.now(), Map.of(), Map.of(), List.of(), 0, 0));
        }
        assertThat(a.resolve("repository.json")).exists();
        assertThat(b.resolve("repository.json")).exists();
        Run ok = dr(Map.of("DR_REPOSITORY_KEY", key), "list", "--repo", a.toString(), "--repo", b.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("20261120T020000Z-full");
        byte[] other = new byte[32];
        String wrong = java.util.Base64.getEncoder().encodeToString(other);
        Run bad = dr(Map.of("DR_REPOSITORY_KEY", wrong), "list", "--repo", a.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.FAILED);
        assertThat(bad.err()).doesNotContain(wrong).doesNotContain(key);
        Run none = dr("list", "--repo", a.toString());
        assertThat(none.code()).isEqualTo(ExitCode.FAILED);
        assertThat(none.err()).contains("encrypted").contains("DR_REPOSITORY_KEY");
    }

    @Test
    void storageCheckReportsWhatTheStoreDoes() throws Exception {
        Run r = dr("storage", "check", "--repo", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASSED").contains("conditional-create");
        Run json = dr("storage", "check", "--json", "--repo", dir.toString());
        assertThat(Json.mapper().readTree(json.out()).get("checks").size()).isGreaterThan(5);
        assertThat(java.nio.file.Files.exists(dir.resolve(".dr4j-selftest"))).isFalse();
    }

    @Test
    void healthFlagsAnOldBackupWithExitThree() {
        oneBackup(); // finished 2026-11-20: older than 24 h
        Run r = dr("health", "--repo", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(r.out()).contains("backup-age").contains("DOWN");
        Run relaxed = dr(Map.of("DR_MONITOR_MAX_BACKUP_AGE", "3650d"), "health", "--repo", dir.toString());
        assertThat(relaxed.code()).as(relaxed.out()).isZero();
    }

    @Test
    void progressLinesShowRateAndEta() {
        String line = ProgressRenderer.render(new io.dr4j.core.Progress("backup", "copy", 512L << 20, 1L << 30, 10, 40,
                java.time.Duration.ofSeconds(4)));
        assertThat(line).contains("50%").contains("512.0 MiB/1.0 GiB").contains("10/40 files").contains("128.0 MiB/s")
                .contains("ETA 4s");
    }
}
