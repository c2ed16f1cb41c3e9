package io.dr4j.postgres.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.WalConflictException;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalPushFetchTest {
    @TempDir
    Path tmp;

    private Repository repo() {
        return Repository.openOrInit(FileBackupTarget.of(tmp.resolve("repo")), RepositoryOptions.DEFAULT, "123", "postgresql");
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void sameSegmentTwiceIsOkDifferentContentIsAConflict() throws Exception {
        Repository repo = repo();
        WalPush push = new WalPush(repo);
        Path dir = Files.createDirectories(tmp.resolve("pg_wal"));
        Path seg = Files.write(dir.resolve("000000010000000000000003"), random(1 << 20, 1));

        assertThat(push.push(seg).outcome()).isEqualTo(WalPush.Outcome.ARCHIVED);
        assertThat(push.push(seg).outcome()).isEqualTo(WalPush.Outcome.ALREADY_ARCHIVED);

        Path other = Files.createDirectories(tmp.resolve("other")).resolve("000000010000000000000003");
        byte[] changed = Files.readAllBytes(seg);
        changed[12345] ^= 1;
        Files.write(other, changed);
        assertThatThrownBy(() -> push.push(other)).isInstanceOf(WalConflictException.class)
                .hasMessageContaining("000000010000000000000003").hasMessageContaining("different content");

        // the archived copy is still the first one
        Path back = tmp.resolve("back");
        assertThat(new WalFetch(repo).fetch("000000010000000000000003", back)).isEqualTo(WalFetch.Outcome.FOUND);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(seg));
    }

    @Test
    void fetchDistinguishesMissingFromFoundAndPadsPartials() throws Exception {
        Repository repo = repo();
        WalFetch fetch = new WalFetch(repo);
        Path dest = tmp.resolve("RECOVERYXLOG");
        assertThat(fetch.fetch("000000010000000000000007", dest)).isEqualTo(WalFetch.Outcome.NOT_FOUND);
        assertThat(fetch.fetch("00000002.history", dest)).isEqualTo(WalFetch.Outcome.NOT_FOUND);
        assertThat(dest).doesNotExist();
        assertThatThrownBy(() -> fetch.fetch("../etc/passwd", dest)).isInstanceOf(IllegalArgumentException.class);

        Path hist = Files.writeString(tmp.resolve("00000002.history"), "1\t0/5000000\tno recovery target specified\n");
        assertThat(new WalPush(repo).push(hist).outcome()).isEqualTo(WalPush.Outcome.ARCHIVED);
        assertThat(fetch.fetch("00000002.history", dest)).isEqualTo(WalFetch.Outcome.FOUND);
        assertThat(Files.readString(dest)).isEqualTo(Files.readString(hist));

        // a partial segment (as the streaming archiver stores it): served zero-padded to the segment size in its header
        byte[] partial = random(100_000, 2);
        ByteBuffer.wrap(partial).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 16 * 1024 * 1024);
        Path pf = Files.write(tmp.resolve("000000010000000000000008.partial"), partial);
        assertThat(new WalPush(repo).push(pf).outcome()).isEqualTo(WalPush.Outcome.ARCHIVED_PARTIAL);
        Path d2 = tmp.resolve("seg8");
        assertThat(fetch.fetch("000000010000000000000008", d2)).isEqualTo(WalFetch.Outcome.FOUND_PARTIAL);
        byte[] got = Files.readAllBytes(d2);
        assertThat(got).hasSize(16 * 1024 * 1024);
        assertThat(Arrays.equals(got, 0, partial.length, partial, 0, partial.length)).isTrue();
        assertThat(got[partial.length]).isZero();
        assertThat(got[got.length - 1]).isZero();
        assertThat(new WalFetch(repo).servePartial(false).fetch("000000010000000000000008", d2))
                .isEqualTo(WalFetch.Outcome.NOT_FOUND);
        assertThat(WalFetch.Outcome.NOT_FOUND.exitCode()).isEqualTo(1);
        assertThat(WalFetch.EXIT_ERROR).isGreaterThan(125);
    }

    @Test
    void inventoryFindsTheContinuousRunAcrossATimelineSwitch() throws Exception {
        Repository repo = repo();
        WalPush push = new WalPush(repo);
        Path dir = Files.createDirectories(tmp.resolve("wal"));
        for (String n : new String[] {"000000010000000000000002", "000000010000000000000003", "000000020000000000000004",
                "000000020000000000000005", "000000020000000000000007"}) {
            push.push(Files.write(dir.resolve(n), random(1000, n.hashCode())));
        }
        // timeline 1 ended inside segment 4: its partial there is not read, timeline 2's segment 4 is
        push.push(Files.write(dir.resolve("000000010000000000000004.partial"), random(500, 3)));
        push.push(Files.writeString(dir.resolve("00000002.history"), "1\t0/4000100\tno recovery target specified\n"));
        WalInventory inv = new WalInventory(repo);
        assertThat(inv.newestTimeline()).isEqualTo(2);
        WalInventory.WalRun run = inv.continuousFrom("000000010000000000000002", 2);
        assertThat(run.lastSegment()).isEqualTo("000000020000000000000005");
        assertThat(run.firstMissing()).isEqualTo("000000020000000000000006");
        assertThat(run.partial()).isNull();
        assertThat(run.endLsn()).isEqualTo(6 * WalPositions.DEFAULT_SEGMENT_SIZE);
        assertThat(run.reaches(WalPositions.parseLsn("0/5FFFFFF"))).isTrue();
        assertThat(run.reaches(WalPositions.parseLsn("0/6000001"))).isFalse();

        push.push(Files.write(dir.resolve("000000020000000000000006.partial"), random(777, 4)));
        WalInventory.WalRun withPartial = inv.continuousFrom("000000010000000000000002", 2);
        assertThat(withPartial.partial()).isEqualTo("000000020000000000000006");
        assertThat(withPartial.endLsn()).isEqualTo(6 * WalPositions.DEFAULT_SEGMENT_SIZE + 777);
        assertThat(withPartial.firstMissing()).isEqualTo("000000020000000000000007");

        // along timeline 1 only, the run ends at timeline 1's own segment 4 (partial)
        WalInventory.WalRun tl1 = inv.continuousFrom("000000010000000000000002", 1);
        assertThat(tl1.lastSegment()).isEqualTo("000000010000000000000003");
        assertThat(tl1.partial()).isEqualTo("000000010000000000000004");
    }

    @Test
    void timelineHistoryAndNames() {
        TimelineHistory h = TimelineHistory.parse(3, "1\t0/5000000\tno recovery target specified\n\n2\t0/7800028\tbefore 2026\n");
        long seg = WalPositions.DEFAULT_SEGMENT_SIZE;
        assertThat(h.timelineAt(0x4FFFFFFL)).isEqualTo(1);
        assertThat(h.timelineAt(0x5000000L)).isEqualTo(2);
        assertThat(h.timelineAt(0x7800028L)).isEqualTo(3);
        assertThat(h.timelineForSegment(4, seg)).isEqualTo(1);
        assertThat(h.timelineForSegment(5, seg)).isEqualTo(2);
        assertThat(h.timelineForSegment(7, seg)).isEqualTo(3); // holds the switch point: read from the new timeline
        assertThat(h.endOf(1)).isEqualTo(0x5000000L);
        assertThat(h.endOf(3)).isEqualTo(-1);
        assertThat(h.next(1)).isEqualTo(2);
        assertThat(h.next(2)).isEqualTo(3);
        assertThat(h.beginOf(2)).isEqualTo(0x5000000L);
        assertThat(WalPositions.segmentName(2, 0x1FF, seg)).isEqualTo("0000000200000001000000FF");
        assertThat(WalPositions.segmentNumberOf("0000000200000001000000FF", seg)).isEqualTo(0x1FF);
        assertThat(WalPositions.formatLsn(WalPositions.parseLsn("1A/2B000028"))).isEqualTo("1A/2B000028");
        assertThat(WalPositions.parseSize("16MB")).isEqualTo(seg);
        assertThat(WalPositions.parseMillis("1min")).isEqualTo(60_000);
    }
}
