package io.dr4j.postgres.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.postgres.Lsn;

/**
 * The timelines leading to one timeline, from its {@code .history} file: each with the LSN where it begins and
 * where it ends (where the next one branched off; {@code Long.MAX_VALUE} for the last).
 *
 * @param entries oldest first
 */
public record TimelineHistory(List<Entry> entries) {

    /** One timeline of the path. */
    public record Entry(long timeline, long begin, long end) {
    }

    /** The path to {@code timeline} as the repository's history files tell it. */
    public static TimelineHistory load(Repository repository, long timeline) {
        if (timeline == 1) {
            return of(io.dr4j.postgres.wal.TimelineHistory.first());
        }
        String name = Lsn.timelineName(timeline) + ".history";
        Optional<WalSegment> h = repository.wal().find(name);
        if (h.isEmpty()) {
            throw new RestoreFailedException("Timeline " + timeline + " has no history file " + name + " in "
                    + repository.target().location() + ": archive it (the promoted server writes it to pg_wal) or "
                    + "choose another timeline");
        }
        String text;
        try (InputStream in = repository.wal().read(h.get())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RestoreFailedException("Could not read " + name + ": " + e.getMessage(), e);
        }
        return of(io.dr4j.postgres.wal.TimelineHistory.parse(timeline, text));
    }

    /** The path described by a parsed history file: each ancestor from where it began to where it ended. */
    public static TimelineHistory of(io.dr4j.postgres.wal.TimelineHistory parsed) {
        List<Entry> out = new ArrayList<>();
        long begin = 0;
        for (io.dr4j.postgres.wal.TimelineHistory.Entry e : parsed.entries()) {
            out.add(new Entry(e.timeline(), begin, e.switchPoint()));
            begin = e.switchPoint();
        }
        out.add(new Entry(parsed.timeline(), begin, Long.MAX_VALUE));
        return new TimelineHistory(out);
    }

    public long target() {
        return entries.get(entries.size() - 1).timeline();
    }

    /** Whether WAL at {@code lsn} on {@code timeline} lies on this path. */
    public boolean contains(long timeline, long lsn) {
        for (Entry e : entries) {
            if (e.timeline() == timeline) {
                return Long.compareUnsigned(lsn, e.end()) <= 0;
            }
        }
        return false;
    }

    /** The timeline PostgreSQL reads segment {@code segno} from: the newest whose begin segment is not after it. */
    public long timelineFor(long segno, long segSize) {
        long tl = entries.get(0).timeline();
        for (Entry e : entries) {
            if (Long.divideUnsigned(e.begin(), segSize) <= segno) {
                tl = e.timeline();
            }
        }
        return tl;
    }
}
