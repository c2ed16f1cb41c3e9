package io.dr4j.postgres.wal;

import java.util.Locale;

import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.backup.WalNames;

/**
 * WAL positions (LSNs) and segment arithmetic for the archiver and recovery: segment numbers, starts and names of
 * a timeline ({@code TTTTTTTTXXXXXXXXYYYYYYYY}) for a given segment size. Parsing and printing of {@code X/Y}
 * delegate to the repository format's {@link io.dr4j.core.backup.WalNames}.
 */
public final class WalPositions {
    /** The default WAL segment size (16 MiB). */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    private WalPositions() {
    }

    /** {@code X/Y} form of an LSN, as PostgreSQL prints it. */
    public static String formatLsn(long lsn) {
        return WalNames.formatLsn(lsn);
    }

    /** Parses {@code X/Y}. */
    public static long parseLsn(String text) {
        return WalNames.parseLsn(text.trim());
    }

    /** Segments per "xlog id" (the middle 8 hex digits of a segment name). */
    static long segmentsPerId(long segmentSize) {
        return 0x1_0000_0000L / segmentSize;
    }

    /** The segment number holding {@code lsn}. */
    public static long segmentNumber(long lsn, long segmentSize) {
        return Long.divideUnsigned(lsn, segmentSize);
    }

    /** The start LSN of the segment holding {@code lsn}. */
    public static long segmentStart(long lsn, long segmentSize) {
        return segmentNumber(lsn, segmentSize) * segmentSize;
    }

    /** The file name of segment {@code segNo} on {@code timeline}. */
    public static String segmentName(long timeline, long segNo, long segmentSize) {
        long perId = segmentsPerId(segmentSize);
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segNo / perId, segNo % perId);
    }

    /** The file name of the segment holding {@code lsn} on {@code timeline}. */
    public static String segmentNameOf(long timeline, long lsn, long segmentSize) {
        return segmentName(timeline, segmentNumber(lsn, segmentSize), segmentSize);
    }

    /** The timeline of a WAL file name ({@code 00000002...} or {@code 00000002.history}). */
    public static long timelineOf(String walFileName) {
        return Long.parseLong(WalArchive.timelineOf(walFileName), 16);
    }

    /** The segment number of a segment file name. */
    public static long segmentNumberOf(String segmentName, long segmentSize) {
        if (!WalArchive.isSegmentName(segmentName)) {
            throw new IllegalArgumentException("Not a WAL segment name: '" + segmentName + "'");
        }
        long hi = Long.parseLong(segmentName.substring(8, 16), 16);
        long lo = Long.parseLong(segmentName.substring(16, 24), 16);
        return hi * segmentsPerId(segmentSize) + lo;
    }

    /** The 8-hex-digit directory name of a timeline. */
    public static String timelineName(long timeline) {
        return String.format(Locale.ROOT, "%08X", timeline);
    }

    /** The history file name of a timeline, e.g. {@code 00000002.history}. */
    public static String historyFileName(long timeline) {
        return timelineName(timeline) + ".history";
    }

    /** Parses PostgreSQL's size settings ({@code 16MB}, {@code 1GB}, {@code 8kB}, {@code 60s}-free). */
    static long parseSize(String text) {
        String t = text.trim();
        long mult = 1;
        String num = t;
        if (t.endsWith("kB")) {
            mult = 1024;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("MB")) {
            mult = 1024L * 1024;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("GB")) {
            mult = 1024L * 1024 * 1024;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            num = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(num.trim()) * mult;
    }

    /** Parses PostgreSQL's duration settings ({@code 60s}, {@code 1min}, {@code 500ms}, {@code 0}) to millis. */
    static long parseMillis(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2).trim());
        }
        if (t.endsWith("min")) {
            return Long.parseLong(t.substring(0, t.length() - 3).trim()) * 60_000;
        }
        if (t.endsWith("s")) {
            return Long.parseLong(t.substring(0, t.length() - 1).trim()) * 1000;
        }
        if (t.endsWith("h")) {
            return Long.parseLong(t.substring(0, t.length() - 1).trim()) * 3_600_000;
        }
        return Long.parseLong(t);
    }
}
