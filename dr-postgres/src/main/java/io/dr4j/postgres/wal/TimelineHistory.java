package io.dr4j.postgres.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of a {@code <timeline>.history} file: for each ancestor timeline, the LSN where the next one
 * branched off. Timeline {@code t} holds WAL from the switch point of its parent (0 for timeline 1) up to its
 * own switch point (or without end for the newest one).
 *
 * @param timeline the timeline this history describes (the newest one)
 * @param entries  ancestors in order, each with the LSN where it ended
 */
public record TimelineHistory(long timeline, List<Entry> entries) {

    /** An ancestor timeline and the LSN where it ended (where its child began). */
    public record Entry(long timeline, long switchPoint) {
    }

    public TimelineHistory {
        entries = List.copyOf(entries);
    }

    /** The history of timeline 1 (no ancestors). */
    public static TimelineHistory first() {
        return new TimelineHistory(1, List.of());
    }

    /** Parses the text of a history file ({@code parentTLI<TAB>X/Y<TAB>reason} lines, {@code #} comments). */
    public static TimelineHistory parse(long timeline, String text) {
        List<Entry> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException("Invalid line in history file of timeline " + timeline + ": '" + line + "'");
            }
            out.add(new Entry(Long.parseLong(f[0]), WalPositions.parseLsn(f[1])));
        }
        return new TimelineHistory(timeline, out);
    }

    /** Whether {@code tli} is this timeline or one of its ancestors. */
    public boolean contains(long tli) {
        return tli == timeline || entries.stream().anyMatch(e -> e.timeline() == tli);
    }

    /** The LSN where {@code tli} ended, or -1 when it is this (open-ended) timeline. */
    public long endOf(long tli) {
        if (tli == timeline) {
            return -1;
        }
        return entries.stream().filter(e -> e.timeline() == tli).mapToLong(Entry::switchPoint).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Timeline " + tli + " is not an ancestor of timeline " + timeline));
    }

    /** The LSN where {@code tli} began (0 for the first timeline of the history). */
    public long beginOf(long tli) {
        long begin = 0;
        for (Entry e : entries) {
            if (e.timeline() == tli) {
                return begin;
            }
            begin = e.switchPoint();
        }
        if (tli == timeline) {
            return begin;
        }
        throw new IllegalArgumentException("Timeline " + tli + " is not an ancestor of timeline " + timeline);
    }

    /** The timeline that follows {@code tli} in this history. */
    public long next(long tli) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).timeline() == tli) {
                return i + 1 < entries.size() ? entries.get(i + 1).timeline() : timeline;
            }
        }
        throw new IllegalArgumentException("Timeline " + tli + " has no successor in the history of timeline " + timeline);
    }

    /** The timeline whose WAL holds {@code lsn} (the first one that had not ended by then). */
    public long timelineAt(long lsn) {
        for (Entry e : entries) {
            if (Long.compareUnsigned(lsn, e.switchPoint()) < 0) {
                return e.timeline();
            }
        }
        return timeline;
    }

    /**
     * The timeline whose file of segment {@code segNo} recovery reads: the newest timeline that began at or before
     * the segment's end (the segment holding a switch point is read from the new timeline, as PostgreSQL does).
     */
    public long timelineForSegment(long segNo, long segmentSize) {
        long segEnd = (segNo + 1) * segmentSize;
        long best = entries.isEmpty() ? timeline : entries.get(0).timeline();
        long begin = 0;
        for (Entry e : entries) {
            if (Long.compareUnsigned(begin, segEnd) < 0) {
                best = e.timeline();
            }
            begin = e.switchPoint();
        }
        if (Long.compareUnsigned(begin, segEnd) < 0) {
            best = timeline;
        }
        return best;
    }
}
