package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAL-G's oracle on PostgreSQL 15 (Debian): pgbench load, dumps at known points, direct-mode full, incremental and
 * differential backups, WAL archived, the source stopped and deleted, then PITR to each point for every target kind
 * and a pg_dump of the result compared with the dump taken at that point. Then timelines and a delta restore.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PitrIT {
    Path tmp;
    ScratchCluster source;
    Repository repo;
    PostgresRestoreStrategy strategy;
    String b1;
    String b2;
    String b4;
    Path dump0;
    Path dump1;
    Path dump2;
    Path dump3;
    Path dump4;
    Path dump6;
    String t1;
    String lsn2;
    long xid3;
    List<String> b1Warnings;

    @BeforeAll
    void loadBackupAndDelete(@TempDir Path dir) throws Exception {
        tmp = dir;
        Processes.makeTraversable(tmp);
        // keep WAL in pg_wal until the test archives it (what archive_mode does for a real archiver)
        source = ScratchCluster.builder().binaries(pg15()).setting("wal_keep_size", "2GB").start();
        PostgresCluster handle = handle(source);
        repo = repository(tmp.resolve("repo"), handle.inspect().systemId());
        strategy = PostgresRestoreStrategy.builder().binaries(pg15()).build();
        PostgresBackupSource backups = PostgresBackupSource.builder(handle).mode(BackupMode.DIRECT).build();

        pgbench(source, "-i", "-s", "1", "-q");
        sql(source, "create table marks(id int primary key, v text)");
        // a tablespace outside the data directory: backed up through its pg_tblspc link, relocated on restore
        Path ts = java.nio.file.Files.createDirectories(tmp.resolve("source-tablespace"));
        Processes.chownToPostgres(ts);
        sql(source, "create tablespace ts location '" + ts + "'",
                "create table in_ts tablespace ts as select g as id, md5(g::text) as v from generate_series(1, 2000) g");
        dump0 = dump(source.port(), tmp.resolve("dump0.sql"));
        BackupResult r1 = backups.backup(repo, BackupRequest.of(BackupType.FULL).withParallelism(2));
        b1 = r1.id();
        b1Warnings = r1.warnings();
        archive(source, repo);

        pgbench(source, "-t", "60", "-c", "2");
        sql(source, "insert into marks values (1, 'time')");
        Thread.sleep(1100);
        t1 = query(source, "select clock_timestamp()::timestamptz(6)::text");
        dump1 = dump(source.port(), tmp.resolve("dump1.sql"));
        Thread.sleep(1100);

        archive(source, repo);
        b2 = backups.backup(repo, BackupRequest.of(BackupType.INCR)).id();
        pgbench(source, "-t", "60", "-c", "2");
        sql(source, "insert into marks values (2, 'lsn')");
        lsn2 = query(source, "select pg_current_wal_lsn()::text");
        dump2 = dump(source.port(), tmp.resolve("dump2.sql"));

        pgbench(source, "-t", "60", "-c", "2");
        try (var c = source.connect("postgres"); var s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("insert into marks values (3, 'xid')");
            try (var rs = s.executeQuery("select txid_current()")) {
                rs.next();
                xid3 = rs.getLong(1);
            }
            c.commit();
        }
        dump3 = dump(source.port(), tmp.resolve("dump3.sql"));
        backups.backup(repo, BackupRequest.of(BackupType.INCR));

        pgbench(source, "-t", "60", "-c", "2");
        sql(source, "insert into marks values (4, 'name')", "select pg_create_restore_point('p4')");
        dump4 = dump(source.port(), tmp.resolve("dump4.sql"));
        pgbench(source, "-t", "50", "-c", "2");
        b4 = backups.backup(repo, BackupRequest.of(BackupType.DIFF)).id();
        sql(source, "insert into marks values (6, 'latest')");
        pgbench(source, "-t", "50", "-c", "2");
        dump6 = dump(source.port(), tmp.resolve("dump6.sql"));
        archive(source, repo);
        source.close(); // stopped and deleted: only the repository is left
        deleteTree(tmp.resolve("source-tablespace"));
    }

    @AfterAll
    void cleanup() {
        if (source != null) {
            source.close();
        }
    }

    private RestoreResult restoreAndCompare(String name, RestoreRequest req, Path expectedDump) throws Exception {
        Path dest = tmp.resolve(name);
        RestoreResult r = strategy.restore(repo, req.withStart(true).withParallelism(2));
        try {
            assertSameDump(dump(Integer.parseInt(r.details().get("port")), tmp.resolve(name + ".sql")), expectedDump, "PITR to " + name);
        } finally {
            stopRestored(pg15(), dest);
        }
        return r;
    }

    @Test
    @Order(1)
    void backupsOfAHealthyClusterHaveNoChecksumWarningsAndFormAChain() {
        assertThat(b1Warnings).isEmpty();
        var b4m = repo.catalog().get(b4);
        assertThat(b4m.type()).isEqualTo(BackupType.DIFF);
        assertThat(b4m.parentId()).isEqualTo(b1);
        assertThat(repo.catalog().get(b2).parentId()).isEqualTo(b1);
        assertThat(b4m.files()).anyMatch(f -> f.fromBackup() != null);
        assertThat(b4m.properties()).containsKeys("startLsn", "stopLsn", "timeline", "serverVersion", "startWal");
        assertThat(b4m.files()).noneMatch(f -> f.path().startsWith("pg_wal/0") || f.path().equals("postmaster.pid"));
        assertThat(b4m.files()).anyMatch(f -> f.path().equals("backup_label"))
                .anyMatch(f -> f.path().equals("tablespace_map"))
                .anyMatch(f -> f.kind() == io.dr4j.core.backup.BackupFile.Kind.LINK && f.path().startsWith("pg_tblspc/"))
                .anyMatch(f -> f.path().matches("pg_tblspc/\\d+/PG_15_.+/\\d+/\\d+"));
    }

    @Test
    @Order(2)
    void immediateTargetRestoresTheBackupItself() throws Exception {
        Path dest = tmp.resolve("immediate");
        RestoreResult r = restoreAndCompare("immediate", RestoreRequest.to(dest).withBackup(b1)
                .withTarget(RecoveryTarget.immediate()), dump0);
        assertThat(r.backupId()).isEqualTo(b1);
        assertThat(r.recoveredToLsn()).isNotNull();
        assertThat(r.timeline()).isEqualTo("00000002");
        assertThat(r.phases()).containsKeys("plan", "download", "recovery");
    }

    @Test
    @Order(3)
    void timeTarget() throws Exception {
        RestoreResult r = restoreAndCompare("time", RestoreRequest.to(tmp.resolve("time"))
                .withTarget(RecoveryTarget.time(java.time.OffsetDateTime.parse(t1.replace(' ', 'T')
                        .replaceAll("\\+00$", "+00:00")).toInstant())), dump1);
        assertThat(r.backupId()).isEqualTo(b1);
        assertThat(r.recoveredToTime()).isNotNull();
        // the prefetch spool of a server started here is beside the data directory (PostgreSQL's start fsyncs what is
        // inside), and removed once recovery has ended
        try (var beside = java.nio.file.Files.list(tmp)) {
            assertThat(beside.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("dr4j-wal-spool"));
        }
        assertThat(tmp.resolve("time/pg_wal/dr4j-spool")).doesNotExist();
        assertThat(java.nio.file.Files.readString(tmp.resolve("time/postgresql.auto.conf")))
                .contains("restore_command = '''" + tmp.resolve("time.dr4j-wal-spool-")); // the script was there
    }

    @Test
    @Order(4)
    void lsnTargetUsesTheIncrementalChain() throws Exception {
        RestoreResult r = restoreAndCompare("lsn", RestoreRequest.to(tmp.resolve("lsn"))
                .withTarget(RecoveryTarget.lsn(lsn2)), dump2);
        assertThat(r.backupId()).as("newest backup before the LSN: the incremental").isEqualTo(b2);
    }

    @Test
    @Order(5)
    void xidTarget() throws Exception {
        restoreAndCompare("xid", RestoreRequest.to(tmp.resolve("xid")).withTarget(RecoveryTarget.xid(xid3)), dump3);
    }

    @Test
    @Order(6)
    void restorePointTarget() throws Exception {
        restoreAndCompare("name", RestoreRequest.to(tmp.resolve("name")).withTarget(RecoveryTarget.name("p4")), dump4);
    }

    @Test
    @Order(7)
    void latestTargetThroughTheDifferentialAndCleanChecks() throws Exception {
        Path dest = tmp.resolve("latest");
        RestoreResult r = strategy.restore(repo, RestoreRequest.to(dest).withStart(true).withParallelism(2));
        int port = Integer.parseInt(r.details().get("port"));
        try {
            assertThat(r.backupId()).isEqualTo(b4);
            assertSameDump(dump(port, tmp.resolve("latest.sql")), dump6, "latest");
            String amcheck = Processes.check(List.of(PG15_BIN.resolve("pg_amcheck").toString(), "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-U", "postgres", "--install-missing", "--heapallindexed", "-d",
                    "postgres"), Map.of(), null, Duration.ofMinutes(2));
            assertThat(amcheck).doesNotContain("corrupt");
            assertThat(query(port, "show archive_mode")).isEqualTo("off");
        } finally {
            stopRestored(pg15(), dest);
        }
        String checksums = Processes.check(Processes.asPostgresUser(List.of(PG15_BIN.resolve("pg_checksums").toString(),
                "--check", "-D", dest.toString())), Map.of(), null, Duration.ofMinutes(2));
        assertThat(checksums).contains("Bad checksums:  0");

        // delta restore of the first backup into the same directory: only changed files are fetched
        RestoreResult delta = strategy.restore(repo, RestoreRequest.to(dest).withBackup(b1).withDelta(true)
                .withTarget(RecoveryTarget.immediate()).withStart(true));
        try {
            assertThat(Long.parseLong(delta.details().get("filesSkipped"))).isPositive();
            assertThat(delta.filesRestored()).isLessThan(repo.catalog().get(b1).files().size());
            assertSameDump(dump(Integer.parseInt(delta.details().get("port")), tmp.resolve("delta.sql")), dump0, "delta");
        } finally {
            stopRestored(pg15(), dest);
        }
    }

    @Test
    @Order(8)
    void newTimelineAfterPromotionIsRestorable() throws Exception {
        // restore to latest (promotes to timeline 2), write on it, archive its WAL and history, PITR again
        Path first = tmp.resolve("tl-first");
        RestoreResult r = strategy.restore(repo, RestoreRequest.to(first).withStart(true));
        int port = Integer.parseInt(r.details().get("port"));
        Path afterWrite;
        try {
            assertThat(r.timeline()).isEqualTo("00000002");
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres", null); var s = c.createStatement()) {
                s.execute("insert into marks values (7, 'timeline 2')");
            }
            afterWrite = dump(port, tmp.resolve("tl2.sql"));
            archive(port, first, repo);
        } finally {
            stopRestored(pg15(), first);
        }
        assertThat(repo.wal().find("00000002.history")).isPresent();
        Path second = tmp.resolve("tl-second");
        RestoreResult r2 = strategy.restore(repo, RestoreRequest.to(second).withTimeline("2").withStart(true));
        try {
            assertSameDump(dump(Integer.parseInt(r2.details().get("port")), tmp.resolve("tl3.sql")), afterWrite, "timeline 2");
            assertThat(r2.timeline()).isEqualTo("00000003");
        } finally {
            stopRestored(pg15(), second);
        }
    }

    /**
     * An object replaced by another valid one of the same size (a zstd frame with a correct frame checksum, the
     * right length): only the restore's own check can see it. By default that is the file's CRC-32C, with option
     * checksum=sha256 its SHA-256; either way the restore fails naming the object, and never starts a server.
     */
    @Test
    @Order(9)
    void anObjectSwappedForAnotherValidOneFailsTheRestoreNamingIt() throws Exception {
        Path copy = tmp.resolve("repo-swapped");
        try (var walk = java.nio.file.Files.walk(tmp.resolve("repo"))) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path to = copy.resolve(tmp.resolve("repo").relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(p, to);
                }
            }
        }
        Repository swapped = Repository.open(io.dr4j.core.storage.FileBackupTarget.of(copy),
                io.dr4j.core.backup.RepositoryOptions.DEFAULT);
        io.dr4j.core.backup.BackupManifest m = swapped.catalog().get(b1);
        // two stored files of b1 of the same size and different content (relation files are 8 KiB multiples)
        Map<Long, io.dr4j.core.backup.BackupFile> bySize = new java.util.HashMap<>();
        io.dr4j.core.backup.BackupFile victim = null;
        io.dr4j.core.backup.BackupFile other = null;
        for (io.dr4j.core.backup.BackupFile f : m.files()) {
            if (f.kind() != io.dr4j.core.backup.BackupFile.Kind.FILE || f.size() == 0 || f.fromBackup() != null
                    || f.path().equals("global/pg_control")) {
                continue;
            }
            io.dr4j.core.backup.BackupFile same = bySize.putIfAbsent(f.size(), f);
            if (same != null && !same.sha256().equals(f.sha256())) {
                victim = f;
                other = same;
                break;
            }
        }
        assertThat(victim).as("two files of the same size in " + b1).isNotNull();
        assertThat(victim.crc32c()).as("the backup recorded the file's CRC-32C").matches("[0-9a-f]{8}");
        java.nio.file.Files.copy(copy.resolve(other.objectKey()), copy.resolve(victim.objectKey()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String key = victim.objectKey();
        Path dest = tmp.resolve("swapped-restore");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strategy.restore(swapped,
                        RestoreRequest.to(dest).withBackup(b1).withTarget(RecoveryTarget.immediate()).withStart(true)))
                .isInstanceOf(io.dr4j.core.codec.IntegrityException.class)
                .hasMessageContaining(key).hasMessageContaining("expected CRC-32C " + victim.crc32c());
        assertThat(dest.resolve("global/pg_control")).as("a failed restore leaves no pg_control").doesNotExist();
        Path dest2 = tmp.resolve("swapped-restore-sha256"); // (the first left its relocated tablespace beside dest)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strategy.restore(swapped,
                        RestoreRequest.to(dest2).withBackup(b1).withTarget(RecoveryTarget.immediate())
                                .withOptions(Map.of(RestoreRequest.CHECKSUM, "sha256"))))
                .isInstanceOf(io.dr4j.core.codec.IntegrityException.class)
                .hasMessageContaining(key).hasMessageContaining("expected SHA-256 " + victim.sha256());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RestoreRequest.to(dest)
                        .withOptions(Map.of(RestoreRequest.CHECKSUM, "md5")))
                .isInstanceOf(io.dr4j.core.ConfigurationException.class)
                .hasMessageContaining("checksum").hasMessageContaining("md5").hasMessageContaining("sha256");
    }
}
