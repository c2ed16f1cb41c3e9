package io.dr4j.postgres;

import io.dr4j.postgres.wal.WalPositions;

/**
 * WAL locations ({@code X/Y}) and WAL file names: short names for the restore and backup code. The arithmetic
 * lives in {@link WalPositions} (and the repository format's {@link io.dr4j.core.backup.WalNames}).
 */
public final class Lsn {
    private Lsn() {
    }

    /** Parses {@code X/Y}. */
    public static long parse(String lsn) {
        return WalPositions.parseLsn(lsn);
    }

    public static String format(long lsn) {
        return WalPositions.formatLsn(lsn);
    }

    /** The segment number holding {@code lsn}. */
    public static long segmentOf(long lsn, long segmentSize) {
        return WalPositions.segmentNumber(lsn, segmentSize);
    }

    /** The WAL file name of segment {@code segno} on {@code timeline}. */
    public static String segmentName(long timeline, long segno, long segmentSize) {
        return WalPositions.segmentName(timeline, segno, segmentSize);
    }

    /** The segment number of a WAL file name. */
    public static long segmentNumber(String name, long segmentSize) {
        return WalPositions.segmentNumberOf(name, segmentSize);
    }

    public static long timelineOf(String name) {
        return WalPositions.timelineOf(name);
    }

    public static String timelineName(long timeline) {
        return WalPositions.timelineName(timeline);
    }
}
