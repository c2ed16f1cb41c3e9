package io.dr4j.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.postgres.backup.Exclusions;
import io.dr4j.postgres.backup.PageChecksum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitsTest {

    @Test
    void walNamesAndLocations() {
        long seg = 16L << 20;
        assertThat(Lsn.parse("0/3000060")).isEqualTo(0x3000060L);
        assertThat(Lsn.format(Lsn.parse("1A/FF000028"))).isEqualTo("1A/FF000028");
        assertThat(Lsn.segmentName(1, Lsn.segmentOf(Lsn.parse("1/2000028"), seg), seg))
                .isEqualTo("000000010000000100000002");
        assertThat(Lsn.segmentNumber("000000020000000100000002", seg)).isEqualTo(258);
        assertThat(BackupLabel.parse("START WAL LOCATION: 0/5000028 (file 000000030000000000000005)\n"
                + "CHECKPOINT LOCATION: 0/5000060\nSTART TIMELINE: 3\n")).isEqualTo(new BackupLabel(0x5000028L, 3));
    }

    @Test
    void exclusionsFollowPgBasebackup() {
        assertThat(Exclusions.skip("", "postmaster.pid")).isTrue();
        assertThat(Exclusions.skip("", "backup_label")).isTrue();
        assertThat(Exclusions.skipContents("pg_wal")).isTrue();
        assertThat(Exclusions.skipContents("pg_replslot")).isTrue();
        assertThat(Exclusions.skipContents("base")).isFalse();
        assertThat(Exclusions.skip("base/5", "pgsql_tmp")).isTrue();
        assertThat(Exclusions.skip("base/5", "t3_16384")).isTrue();
        assertThat(Exclusions.skip("base/5", "16384")).isFalse();
        assertThat(Exclusions.skip("base/5", "pg_internal.init")).isTrue();
        assertThat(Exclusions.isChecksummed("base/5/16384.1")).isTrue();
        assertThat(Exclusions.isChecksummed("global/pg_control")).isFalse();
        assertThat(Exclusions.isChecksummed("base/5/PG_VERSION")).isFalse();
        assertThat(Exclusions.segmentNumber("base/5/16384.3")).isEqualTo(3);
    }

    @Test
    void newAndFreshlyWrittenPagesAreNotVerified() {
        byte[] page = new byte[PageChecksum.BLOCK_SIZE];
        assertThat(PageChecksum.verifies(page, 0, 0, 1)).as("new (all-zero) page").isTrue();
        page[14] = 0x10; // pd_upper != 0: initialised
        page[4] = 0x20; // pd_lsn = 0/20
        int sum = PageChecksum.compute(page, 0, 7);
        assertThat(sum).isBetween(1, 65535);
        page[8] = (byte) sum;
        page[9] = (byte) (sum >>> 8);
        assertThat(PageChecksum.verifies(page, 0, 7, 0x1000)).isTrue();
        assertThat(PageChecksum.verifies(page, 0, 8, 0x1000)).as("same page as another block").isFalse();
        page[100] ^= 1;
        assertThat(PageChecksum.verifies(page, 0, 7, 0x1000)).isFalse();
        assertThat(PageChecksum.verifies(page, 0, 7, 0x10)).as("changed after backup start: WAL repairs it").isTrue();
    }

    @Test
    void restoredCopyNeverArchivesIntoOrStreamsFromTheSource(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("postgresql.auto.conf"), "# Do not edit\narchive_command = 'dr wal-push %p'\n"
                + "primary_conninfo = 'host=prod'\nwork_mem = '64MB'\nport = 5432\n");
        Files.writeString(data.resolve("standby.signal"), "");
        Map<String, String> s = RecoveryConfig.settings(RecoveryTarget.time(Instant.parse("2026-11-26T02:00:00Z")), 2,
                "'/x/restore.sh' \"%f\" \"%p\"", 6543, 15, "promote", Map.of("work_mem", "8MB"));
        RecoveryConfig.write(data, s, "test");
        String conf = Files.readString(data.resolve("postgresql.auto.conf"));
        assertThat(conf).doesNotContain("wal-push").doesNotContain("host=prod").doesNotContain("64MB")
                .contains("archive_mode = 'off'").contains("archive_command = ''").contains("port = '6543'")
                .contains("recovery_target_time = '2026-11-26 02:00:00.000000+00:00'")
                .contains("recovery_target_timeline = '2'").contains("restore_command = '''/x/restore.sh'' \"%f\" \"%p\"'")
                .contains("work_mem = '8MB'");
        assertThat(data.resolve("recovery.signal")).exists();
        assertThat(data.resolve("standby.signal")).doesNotExist();
    }
}
