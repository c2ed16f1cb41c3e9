package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dr} command against storage that fails persistently (the test-only {@code faulty:} scheme of dr-tck),
 * key rotation from the command line, and the refusal to create a repository among foreign files.
 */
class CliReliabilityIT {
    static PostgresBinaries bin;
    static ScratchCluster pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        bin = PostgresBinaries.installed(15).orElseThrow();
        pg = ScratchCluster.builder().binaries(bin).start();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int primary key, v text)");
            st.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    static Map<String, String> env(String repository) {
        Map<String, String> env = new TreeMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(pg.port()));
        env.put("PGUSER", "postgres");
        env.put("PGDATABASE", "postgres");
        env.put("DR_REPOSITORY", repository);
        return env;
    }

    /** Exactly one line on stderr, starting with "dr" and naming {@code what}; no stack trace. */
    static void assertOneLineError(CliTest.Run r, String... what) {
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr: %s", r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("dr").doesNotContain("Exception").contains(what);
    }

    static String systemId() throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select system_identifier::text from pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A completed WAL segment of the cluster, copied out. */
    Path walSegment(String name) throws Exception {
        String seg;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO t SELECT max(id) + 1, 'wal' FROM t"); // a new segment each time
            try (ResultSet rs = st.executeQuery("select pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                seg = rs.getString(1);
            }
        }
        Path copy = dir.resolve(name).resolve(seg);
        Files.createDirectories(copy.getParent());
        Files.copy(pg.dataDir().resolve("pg_wal").resolve(seg), copy);
        return copy;
    }

    @Test
    void persistentStorageFaultsGiveANonZeroExitAOneLineMessageAndNoVisibleBackup() throws Exception {
        Path repo = dir.resolve("repo");
        Map<String, String> good = env(repo.toString());
        CliTest.Run first = CliTest.dr(good, "backup", "--pgdata", pg.dataDir().toString());
        assertThat(first.code()).as(first.err()).isZero();
        Path seg = walSegment("wal1");
        assertThat(CliTest.dr(good, "wal-push", "--system-id", systemId(), seg.toString()).code()).isZero();
        String listed = CliTest.dr(good, "list").out();

        // every write fails, every time (retried once, 10 ms apart: configuration reaches RetryingBackupTarget)
        Map<String, String> writes = env("faulty:" + repo.toUri());
        writes.put("DR_FAULTY_OPS", "PUT");
        writes.put("DR_STORAGE_RETRIES", "1");
        writes.put("DR_STORAGE_RETRY_BACKOFF", "10ms");
        CliTest.Run backup = CliTest.dr(writes, "backup", "-q", "--pgdata", pg.dataDir().toString());
        assertThat(backup.code()).as(backup.err()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(backup, "failed 2 times");
        assertThat(CliTest.dr(good, "list").out()).as("no new backup is visible").isEqualTo(listed);

        Path seg2 = walSegment("wal2");
        CliTest.Run push = CliTest.dr(writes, "wal-push", "--system-id", systemId(), seg2.toString());
        assertThat(push.code()).as(push.err()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(push, seg2.getFileName().toString());
        try (Repository r = Repository.open(FileBackupTarget.of(repo), RepositoryOptions.DEFAULT)) {
            assertThat(r.wal().find(seg2.getFileName().toString())).as("nothing archived").isEmpty();
            assertThat(r.wal().find(seg.getFileName().toString())).isPresent();
        }

        // every read of a data object fails (4 retries, as for s3:// and gs:// by default)
        Map<String, String> reads = env("faulty:" + repo.toUri());
        reads.put("DR_STORAGE_RETRIES", "4");
        reads.put("DR_FAULTY_OPS", "GET");
        reads.put("DR_FAULTY_KEYS", "(backups/.*/data/|wal/).*");
        reads.put("DR_STORAGE_RETRY_BACKOFF", "5ms");
        Path restored = dir.resolve("restored");
        CliTest.Run restore = CliTest.dr(reads, "restore", "-q", "--to", restored.toString(), "--target",
                "immediate");
        assertThat(restore.code()).as(restore.err()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(restore, "failed 5 times");
        assertThat(restored.resolve("global/pg_control")).as("the half-restored directory cannot start").doesNotExist();

        CliTest.Run verify = CliTest.dr(reads, "verify", "-q", "--read-data");
        assertThat(verify.code()).as(verify.out() + verify.err()).isIn(ExitCode.FAILED, ExitCode.PROBLEMS_FOUND);
        assertThat(verify.out() + verify.err()).contains("failed 5 times");

        Path fetched = dir.resolve("fetched");
        CliTest.Run fetch = CliTest.dr(reads, "wal-fetch", seg.getFileName().toString(), fetched.toString());
        assertThat(fetch.code()).as("restore_command: > 125 stops recovery; " + fetch.err()).isEqualTo(200);
        assertOneLineError(fetch, seg.getFileName().toString());
        assertThat(fetched).doesNotExist();

        // healed: the next backup succeeds; its WAL comes after the segment whose push failed, so `dr verify` reports
        // the gap until PostgreSQL's retry of archive_command stores it
        CliTest.Run again = CliTest.dr(good, "backup", "--pgdata", pg.dataDir().toString());
        assertThat(again.code()).as(again.err()).isZero();
        CliTest.Run verifyGap = CliTest.dr(good, "verify", "-q");
        assertThat(verifyGap.code()).as("the failed push is a gap: %s", verifyGap.out()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(verifyGap.out()).contains("segment " + seg2.getFileName() + " is missing");
        assertThat(CliTest.dr(good, "wal-push", "--system-id", systemId(), seg2.toString()).code()).isZero();
        // this repository is not fed by a real archive_command: WAL the other tests' backups made on the shared cluster
        // is missing from it, so only the gap of the failed push is checked here
        CliTest.Run verified = CliTest.dr(good, "verify", "-q", "--read-data");
        assertThat(verified.out()).as(verified.out() + verified.err()).contains("read-data    passed")
                .doesNotContain("segment " + seg2.getFileName() + " is missing");
        assertThat(verified.err()).isEmpty();
    }

    @Test
    void keyRotationRewrapsOnlyRepositoryJsonAndTheOldKeyIsRefused() throws Exception {
        Path repo = dir.resolve("enc");
        Path oldKey = dir.resolve("old.key");
        Path newKey = dir.resolve("new.key");
        Files.writeString(oldKey, KeyProvider.generate().reveal());
        Files.writeString(newKey, KeyProvider.generate().reveal());
        Map<String, String> withOld = env(repo.toString());
        withOld.put("DR_REPOSITORY_KEY_FILE", oldKey.toString());
        Map<String, String> withNew = env(repo.toString());
        withNew.put("DR_REPOSITORY_KEY_FILE", newKey.toString());
        int rows;
        try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            rows = rs.getInt(1);
        }
        CliTest.Run backup = CliTest.dr(withOld, "backup", "--pgdata", pg.dataDir().toString(), "--json");
        assertThat(backup.code()).as(backup.err()).isZero();
        Map<String, String> before = digests(repo);

        CliTest.Run wrongCurrent = CliTest.dr(withNew, "key", "rotate", "--new-key-file", newKey.toString());
        assertThat(wrongCurrent.code()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(wrongCurrent, "cannot");
        assertThat(digests(repo)).as("a refused rotation changes nothing").isEqualTo(before);

        CliTest.Run rotate = CliTest.dr(withOld, "key", "rotate", "--new-key-file", newKey.toString());
        assertThat(rotate.code()).as(rotate.err()).isZero();
        assertThat(rotate.out()).contains("Rotated").contains("->");
        Map<String, String> after = digests(repo);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((k, v) -> {
            if (k.equals("repository.json")) {
                assertThat(after.get(k)).as(k).isNotEqualTo(v);
            } else {
                assertThat(after.get(k)).as("%s is not rewritten", k).isEqualTo(v);
            }
        });

        CliTest.Run old = CliTest.dr(withOld, "list");
        assertThat(old.code()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(old, "is not the key of the repository");
        Path restored = dir.resolve("restored-enc");
        CliTest.Run restore = CliTest.dr(withNew, "restore", "--to", restored.toString(), "--target", "immediate",
                "--start");
        assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
        String port = restore.out().lines().filter(l -> l.contains("port")).map(l -> l.replaceAll("\\D+", " ").trim())
                .findFirst().orElseThrow();
        try (ScratchCluster r = ScratchCluster.builder().binaries(bin).existingDataDir(restored)
                .port(Integer.parseInt(port.split(" ")[0])).create()) {
            try (Connection c = r.connect("postgres");
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(rows);
            }
            r.stop();
        }
        assertThat(CliTest.dr(withNew, "verify", "--read-data").code()).isZero();
    }

    @Test
    void aRepositoryIsNotCreatedAmongForeignFilesUnlessAskedTo() throws Exception {
        Path foreign = dir.resolve("shared");
        Files.createDirectories(foreign.resolve("pgbackrest"));
        Files.writeString(foreign.resolve("pgbackrest/backup.info"), "[backup:current]\n");
        Files.writeString(foreign.resolve("notes.txt"), "not a backup\n");
        Map<String, String> e = env(foreign.toString());
        CliTest.Run refused = CliTest.dr(e, "backup", "--pgdata", pg.dataDir().toString());
        assertThat(refused.code()).isEqualTo(ExitCode.FAILED);
        assertOneLineError(refused, "not empty", "notes.txt", "--init-non-empty");
        try (Stream<Path> s = Files.list(foreign)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pgbackrest", "notes.txt");
        }
        CliTest.Run forced = CliTest.dr(e, "backup", "--pgdata", pg.dataDir().toString(), "--init-non-empty");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(foreign.resolve("repository.json")).exists();
        assertThat(CliTest.dr(e, "backup", "--pgdata", pg.dataDir().toString()).code())
                .as("an existing repository opens without the flag").isZero();
    }

    static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !root.relativize(p).startsWith(".dr4j-tmp"))
                    .filter(p -> !root.relativize(p).startsWith("status")).toList()) {
                try {
                    m.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) + "@"
                            + Files.getLastModifiedTime(p).toMillis());
                } catch (java.security.NoSuchAlgorithmException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return m;
    }
}
