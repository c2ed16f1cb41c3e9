package io.dr4j.postgres;

import java.util.Locale;

/** WAL locations ({@code X/Y}) and WAL file names. */
public final class Lsn {
    private Lsn() {
    }

    /** Parses {@code X/Y}. */
    public static long parse(String lsn) {
        int slash = lsn.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Not a WAL location: '" + lsn + "'");
        }
        return (Long.parseLong(lsn.substring(0, slash).trim(), 16) << 32) | Long.parseLong(lsn.substring(slash + 1).trim(), 16);
    }

    public static String format(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** The segment number holding {@code lsn}. */
    public static long segmentOf(long lsn, long segmentSize) {
        return Long.divideUnsigned(lsn, segmentSize);
    }

    /** The WAL file name of segment {@code segno} on {@code timeline}. */
    public static String segmentName(long timeline, long segno, long segmentSize) {
        long perId = 0x100000000L / segmentSize;
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segno / perId, segno % perId);
    }

    /** The segment number of a WAL file name. */
    public static long segmentNumber(String name, long segmentSize) {
        long perId = 0x100000000L / segmentSize;
        return Long.parseLong(name.substring(8, 16), 16) * perId + Long.parseLong(name.substring(16, 24), 16);
    }

    public static long timelineOf(String name) {
        return Long.parseLong(name.substring(0, 8), 16);
    }

    public static String timelineName(long timeline) {
        return String.format(Locale.ROOT, "%08X", timeline);
    }
}
