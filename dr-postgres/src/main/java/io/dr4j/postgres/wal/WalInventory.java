package io.dr4j.postgres.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.StorageException;

import org.jspecify.annotations.Nullable;

/**
 * What WAL a repository holds for recovery: the continuous run of segments from a start segment along a target
 * timeline's history (the restorable window's WAL side), and where it ends. For PITR's check "is every segment
 * from the backup's start to the target archived?" before anything is written to disk.
 */
public final class WalInventory {
    private final Repository repository;
    private final long segmentSize;

    public WalInventory(Repository repository) {
        this(repository, WalPositions.DEFAULT_SEGMENT_SIZE);
    }

    public WalInventory(Repository repository, long segmentSize) {
        this.repository = repository;
        this.segmentSize = segmentSize;
    }

    /**
     * The continuous WAL from {@code startSegment} along the history of {@code timeline}.
     *
     * @param firstSegment  the start segment
     * @param lastSegment   the last complete segment of the run (null when even the first is missing)
     * @param endLsn        where the archived WAL ends: the end of the last complete segment, or of the partial
     *                      segment that follows it
     * @param partial       the partial segment the run ends with, if any
     * @param firstMissing  the first segment that is neither archived nor partial (where the run stops)
     * @param timeline      the target timeline
     */
    public record WalRun(String firstSegment, @Nullable String lastSegment, long endLsn, @Nullable String partial,
                         String firstMissing, long timeline) {

        /** Whether recovery can reach {@code lsn} from this run. */
        public boolean reaches(long lsn) {
            return Long.compareUnsigned(lsn, endLsn) <= 0;
        }

        @Override
        public String toString() {
            return "WAL " + firstSegment + " .. " + (lastSegment == null ? "(none)" : lastSegment)
                    + (partial == null ? "" : " + partial " + partial) + ", ends at " + WalPositions.formatLsn(endLsn)
                    + " (first missing: " + firstMissing + ", timeline " + timeline + ")";
        }
    }

    /** The newest timeline that has WAL files in the repository (1 when none). */
    public long newestTimeline() {
        return repository.wal().timelines().stream().mapToLong(t -> Long.parseLong(t, 16)).max().orElse(1);
    }

    /** The history of {@code timeline} as archived (no ancestors when its history file is missing). */
    public TimelineHistory history(long timeline) {
        if (timeline <= 1) {
            return TimelineHistory.first();
        }
        Optional<WalSegment> h = repository.wal().find(WalPositions.historyFileName(timeline));
        if (h.isEmpty()) {
            return new TimelineHistory(timeline, List.of());
        }
        try (InputStream in = repository.wal().read(h.get())) {
            return TimelineHistory.parse(timeline, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Could not read " + h.get().key() + ": " + e.getMessage(), e);
        }
    }

    /** The continuous run of WAL from {@code startSegment} along {@code timeline}'s history. */
    public WalRun continuousFrom(String startSegment, long timeline) {
        TimelineHistory history = history(timeline);
        Map<Long, Set<String>> complete = new HashMap<>();
        Map<Long, Map<String, WalSegment>> partials = new HashMap<>();
        long seg = WalPositions.segmentNumberOf(startSegment, segmentSize);
        String last = null;
        while (true) {
            long tli = history.timelineForSegment(seg, segmentSize);
            if (!complete.containsKey(tli)) {
                Set<String> c = new HashSet<>();
                Map<String, WalSegment> p = new HashMap<>();
                for (WalSegment w : repository.wal().list(WalPositions.timelineName(tli))) {
                    if (w.isSegment()) {
                        if (w.partial()) {
                            p.put(w.name(), w);
                        } else {
                            c.add(w.name());
                        }
                    }
                }
                complete.put(tli, c);
                partials.put(tli, p);
            }
            String name = WalPositions.segmentName(tli, seg, segmentSize);
            if (complete.get(tli).contains(name)) {
                last = name;
                seg++;
                continue;
            }
            WalSegment partial = partials.get(tli).get(name);
            if (partial != null) {
                long len = length(partial);
                String missing = WalPositions.segmentName(history.timelineForSegment(seg + 1, segmentSize), seg + 1, segmentSize);
                return new WalRun(startSegment, last, seg * segmentSize + len, name, missing, timeline);
            }
            return new WalRun(startSegment, last, seg * segmentSize, null, name, timeline);
        }
    }

    private long length(WalSegment partial) {
        try (InputStream in = repository.wal().read(partial)) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new StorageException("Could not read " + partial.key() + ": " + e.getMessage(), e);
        }
    }
}
