package io.dr4j.core.backup;

import java.util.Locale;
import java.util.Optional;

/**
 * PostgreSQL WAL file naming: {@code TTTTTTTTLLLLLLLLSSSSSSSS} (timeline, log id, segment), LSNs {@code X/Y}.
 * The repository format stores WAL by these names, so retention and verification reason with them here.
 */
public final class WalNames {
    /** The default WAL segment size (16 MiB). */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    private WalNames() {
    }

    /** Parses an LSN {@code X/Y} (hex) into a 64-bit position. */
    public static long parseLsn(String lsn) {
        int slash = lsn.indexOf('/');
        if (slash <= 0 || slash == lsn.length() - 1) {
            throw new IllegalArgumentException("Not a WAL location: '" + lsn + "'. Expected hex 'X/Y', e.g. 0/3000060");
        }
        try {
            long hi = Long.parseLong(lsn.substring(0, slash), 16);
            long lo = Long.parseLong(lsn.substring(slash + 1), 16);
            if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a WAL location: '" + lsn + "'. Expected hex 'X/Y', e.g. 0/3000060");
        }
    }

    /** Formats a 64-bit position as {@code X/Y}. */
    public static String formatLsn(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** The name of the segment that holds {@code lsn} on {@code timeline}. */
    public static String segmentName(long timeline, long lsn, long segmentSize) {
        long segNo = Long.divideUnsigned(lsn, segmentSize);
        long perId = 0x100000000L / segmentSize;
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segNo / perId, segNo % perId);
    }

    /** The segment number (position independent of timeline) of a segment name. */
    public static long segmentNumber(String segmentName, long segmentSize) {
        long log = Long.parseLong(segmentName.substring(8, 16), 16);
        long seg = Long.parseLong(segmentName.substring(16, 24), 16);
        return log * (0x100000000L / segmentSize) + seg;
    }

    /** The name of the segment following {@code segmentName} on the same timeline. */
    public static String nextSegment(String segmentName, long segmentSize) {
        long tl = Long.parseLong(segmentName.substring(0, 8), 16);
        long next = segmentNumber(segmentName, segmentSize) + 1;
        return segmentName(tl, next * segmentSize, segmentSize);
    }

    /** Timeline of a WAL file name, as a number. */
    public static long timeline(String walFileName) {
        return Long.parseLong(walFileName.substring(0, 8), 16);
    }

    /** Comparable position of a segment name regardless of timeline: the log and segment digits. */
    public static String position(String segmentName) {
        return segmentName.substring(8, 24);
    }

    /**
     * The WAL file a backup needs first: the manifest property {@code startWalFile} (or {@code startWal}), or computed from
     * {@code startLsn}, {@code timeline} and {@code walSegmentSize}. Empty for backups without WAL (logical).
     */
    public static Optional<String> startSegment(BackupManifest m) {
        Optional<String> explicit = m.property("startWalFile").or(() -> m.property("startWal"));
        if (explicit.isPresent()) {
            return explicit;
        }
        Optional<String> lsn = m.property("startLsn");
        Optional<String> tl = m.property("timeline");
        if (lsn.isEmpty() || tl.isEmpty()) {
            return Optional.empty();
        }
        long size = m.property("walSegmentSize").map(Long::parseLong).orElse(DEFAULT_SEGMENT_SIZE);
        return Optional.of(segmentName(Long.parseLong(tl.get()), parseLsn(lsn.get()), size));
    }

    /** The last WAL file a backup needs to be consistent ({@code stopWalFile}, or from {@code stopLsn}). */
    public static Optional<String> stopSegment(BackupManifest m) {
        Optional<String> explicit = m.property("stopWalFile").or(() -> m.property("stopWal"));
        if (explicit.isPresent()) {
            return explicit;
        }
        Optional<String> lsn = m.property("stopLsn");
        Optional<String> tl = m.property("timeline");
        if (lsn.isEmpty() || tl.isEmpty()) {
            return Optional.empty();
        }
        long size = m.property("walSegmentSize").map(Long::parseLong).orElse(DEFAULT_SEGMENT_SIZE);
        long stop = parseLsn(lsn.get());
        // the stop LSN points just past the last record: a stop exactly at a segment boundary needs only the previous
        return Optional.of(segmentName(Long.parseLong(tl.get()), stop == 0 ? 0 : stop - 1, size));
    }
}
