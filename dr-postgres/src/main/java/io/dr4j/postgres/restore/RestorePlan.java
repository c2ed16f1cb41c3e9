package io.dr4j.postgres.restore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.postgres.Lsn;

import org.jspecify.annotations.Nullable;

/**
 * What a point-in-time recovery needs, worked out before anything is written: the backup, the timeline path and
 * every WAL file from the backup's start to the target, each checked to be in the repository.
 *
 * @param backup    the backup to restore
 * @param history   the timeline path to the target timeline
 * @param wal       history files and segments, in the order replay asks for them
 * @param window    the restorable window, for messages and the result
 */
public record RestorePlan(BackupManifest backup, TimelineHistory history, List<WalSegment> wal, String window) {

    /** Plans a restore; throws naming the problem (missing WAL, target outside the window) before touching disk. */
    public static RestorePlan make(Repository repository, @Nullable String backupId, RecoveryTarget target,
                                   @Nullable String timeline, String sourceKind) {
        // every backup's facts, not its ~1,000 entries: only the chosen one is read in full (at the end)
        List<BackupManifest> backups = repository.catalog().listWithoutFiles().stream()
                .filter(b -> sourceKind.equals(b.sourceKind()) && b.type() != BackupType.LOGICAL
                        && b.properties().containsKey("stopLsn"))
                .toList();
        if (backups.isEmpty()) {
            throw new RestoreFailedException("No physical PostgreSQL backup in " + repository.target().location()
                    + ": take one first (PostgresBackupSource)");
        }
        WalArchive wal = repository.wal();
        BackupManifest requested = backupId == null ? null : repository.catalog().get(backupId);
        long tl = resolveTimeline(wal, timeline, requested != null ? requested : backups.get(backups.size() - 1));
        TimelineHistory history = TimelineHistory.load(repository, tl);
        List<BackupManifest> onPath = backups.stream()
                .filter(b -> history.contains(timelineOf(b), Lsn.parse(b.properties().get("stopLsn")))).toList();
        if (requested != null && onPath.stream().noneMatch(b -> b.id().equals(requested.id()))) {
            throw new RestoreFailedException("Backup " + backupId + " (timeline " + timelineOf(requested)
                    + ") is not on the history of timeline " + tl + ": choose another backup or timeline");
        }
        if (onPath.isEmpty()) {
            throw new RestoreFailedException("No backup lies on the history of timeline " + tl + "; backups: "
                    + backups.stream().map(b -> b.id() + " (timeline " + timelineOf(b) + ")").toList());
        }
        long segSize = Long.parseLong(onPath.get(0).properties().getOrDefault("walSegmentSize", "16777216"));

        // archived WAL per timeline of the path
        Map<String, WalSegment> archived = new HashMap<>();
        for (TimelineHistory.Entry e : history.entries()) {
            for (WalSegment s : wal.list(Lsn.timelineName(e.timeline()))) {
                if (!s.partial()) {
                    archived.put(s.name(), s);
                }
            }
        }
        BackupManifest oldest = onPath.get(0);
        // the newest contiguous WAL from the oldest backup on the path
        long firstSeg = Lsn.segmentOf(Lsn.parse(oldest.properties().get("startLsn")), segSize);
        long lastSeg = firstSeg - 1;
        for (long s = firstSeg; ; s++) {
            String n = Lsn.segmentName(history.timelineFor(s, segSize), s, segSize);
            if (!archived.containsKey(n)) {
                break;
            }
            lastSeg = s;
        }
        Optional<WalSegment> newest = lastSeg < firstSeg ? Optional.empty()
                : Optional.of(archived.get(Lsn.segmentName(history.timelineFor(lastSeg, segSize), lastSeg, segSize)));
        Instant newestTime = newest.flatMap(s -> repository.stat(s.key())).map(i -> i.lastModified()).orElse(null);
        // the streaming archiver stores the segment being written every second: the window reaches into it (the
        // WAL prefetcher serves it zero-padded while the restored server replays)
        String partialName = Lsn.segmentName(history.timelineFor(lastSeg + 1, segSize), lastSeg + 1, segSize);
        Instant partialTime = wal.findPartial(partialName).flatMap(s -> repository.stat(s.key()))
                .map(i -> i.lastModified()).orElse(null);
        Instant upperTime = partialTime != null && (newestTime == null || partialTime.isAfter(newestTime))
                ? partialTime : newestTime;
        String window = "restorable window: from " + consistentAt(oldest) + " (backup " + oldest.id() + ", LSN "
                + oldest.properties().get("stopLsn") + ") to "
                + (newest.isEmpty() ? "nothing complete (no WAL segment archived)" : "WAL segment " + newest.get().name()
                + " (LSN " + Lsn.format((lastSeg + 1) * segSize) + ", archived " + newestTime + ")")
                + (partialTime == null ? "" : " and the partial segment " + partialName + " (stored " + partialTime + ")");

        BackupManifest backup = requested != null ? requested : choose(onPath, target, window);
        if (target instanceof RecoveryTarget.Time t) {
            if (t.time().isBefore(consistentAt(backup))) {
                throw new RestoreFailedException("Target time " + t.time() + " is before backup " + backup.id()
                        + " became consistent (" + consistentAt(backup) + "); " + window);
            }
            if (upperTime == null || t.time().isAfter(upperTime)) {
                throw new RestoreFailedException("Target time " + t.time() + " is after the newest archived WAL; "
                        + window);
            }
        }
        long start = Lsn.segmentOf(Lsn.parse(backup.properties().get("startLsn")), segSize);
        long stop = Lsn.segmentOf(Lsn.parse(backup.properties().get("stopLsn")) - 1, segSize);
        long end;
        if (target instanceof RecoveryTarget.Immediate) {
            end = stop;
        } else if (target instanceof RecoveryTarget.Lsn l) {
            end = Math.max(stop, Lsn.segmentOf(Lsn.parse(l.lsn()), segSize));
        } else {
            end = Math.max(stop, lastSeg);
        }
        if (!(target instanceof RecoveryTarget.Immediate) && !(target instanceof RecoveryTarget.Lsn)) {
            long gapEnd = lastSeg;
            for (String n : archived.keySet()) {
                if (WalArchive.isSegmentName(n) && history.timelineFor(Lsn.segmentNumber(n, segSize), segSize)
                        == Lsn.timelineOf(n)) {
                    gapEnd = Math.max(gapEnd, Lsn.segmentNumber(n, segSize));
                }
            }
            if (gapEnd > lastSeg) {
                String missing = Lsn.segmentName(history.timelineFor(lastSeg + 1, segSize), lastSeg + 1, segSize);
                throw new RestoreFailedException("WAL segment " + missing + " is missing from "
                        + repository.target().location() + " while later segments (up to "
                        + Lsn.segmentName(history.timelineFor(gapEnd, segSize), gapEnd, segSize) + ") are archived: "
                        + "recovery to " + describe(target) + " would stop at the gap; " + window
                        + ". Archive the missing WAL, or choose a target inside the window (LSN or time)");
            }
        }
        List<WalSegment> files = new ArrayList<>();
        for (TimelineHistory.Entry e : history.entries()) {
            if (e.timeline() > 1) {
                String h = Lsn.timelineName(e.timeline()) + ".history";
                files.add(wal.find(h).orElseThrow(() -> new RestoreFailedException("History file " + h + " is missing")));
            }
        }
        for (long s = start; s <= end; s++) {
            String n = Lsn.segmentName(history.timelineFor(s, segSize), s, segSize);
            WalSegment seg = archived.get(n);
            if (seg == null) {
                throw new RestoreFailedException("WAL segment " + n + " is missing from " + repository.target().location()
                        + " (needed to recover backup " + backup.id() + " to " + describe(target) + "); " + window
                        + ". Archive the missing WAL, or choose a target before it");
            }
            files.add(seg);
        }
        // segments beyond the end on the path: replay of latest/time/xid/name continues while they exist
        return new RestorePlan(requested != null ? requested : repository.catalog().get(backup.id()), history, files,
                window);
    }

    private static BackupManifest choose(List<BackupManifest> onPath, RecoveryTarget target, String window) {
        List<BackupManifest> desc = new ArrayList<>(onPath);
        desc.sort(Comparator.comparing(RestorePlan::consistentAt).reversed());
        if (target instanceof RecoveryTarget.Time t) {
                return desc.stream().filter(b -> !consistentAt(b).isAfter(t.time())).findFirst().orElseThrow(() ->
                        new RestoreFailedException("Target time " + t.time() + " is before the earliest backup became "
                                + "consistent; " + window));
        }
        if (target instanceof RecoveryTarget.Lsn l) {
                long lsn = Lsn.parse(l.lsn());
                return desc.stream().filter(b -> Long.compareUnsigned(Lsn.parse(b.properties().get("stopLsn")), lsn) <= 0)
                        .findFirst().orElseThrow(() -> new RestoreFailedException("Target LSN " + l.lsn()
                                + " is before the earliest backup became consistent; " + window));
        }
        if (target instanceof RecoveryTarget.Xid x) {
                return desc.stream().filter(b -> {
                    String nx = b.properties().get("stopNextXid");
                    if (nx == null) {
                        return false;
                    }
                    long next = Long.parseLong(nx);
                    return x.xid() > 0xFFFFFFFFL ? next <= x.xid() : (next & 0xFFFFFFFFL) <= x.xid();
                }).findFirst().orElse(desc.get(desc.size() - 1));
        }
        if (target instanceof RecoveryTarget.Name) {
            // where a restore point lies is only known by reading WAL: the oldest backup always reaches it
            return desc.get(desc.size() - 1);
        }
        return desc.get(0);
    }

    static Instant consistentAt(BackupManifest b) {
        String c = b.properties().get("consistentAt");
        return c != null ? Instant.parse(c) : b.finishedAt();
    }

    static long timelineOf(BackupManifest b) {
        return Long.parseLong(b.properties().getOrDefault("timeline", "1"));
    }

    private static long resolveTimeline(WalArchive wal, @Nullable String timeline, BackupManifest reference) {
        if (timeline != null && !timeline.isBlank() && !timeline.equalsIgnoreCase("latest")) {
            if (timeline.equalsIgnoreCase("current")) {
                return timelineOf(reference);
            }
            try {
                return timeline.length() == 8 ? Long.parseLong(timeline, 16) : Long.parseLong(timeline);
            } catch (NumberFormatException e) {
                throw new RestoreFailedException("Invalid timeline '" + timeline + "': use a number, 'current' or 'latest'");
            }
        }
        long max = timelineOf(reference);
        for (String t : wal.timelines()) {
            long v = Long.parseLong(t, 16);
            if (v > max && wal.find(t + ".history").isPresent()) {
                max = v;
            }
        }
        return max;
    }

    static String describe(RecoveryTarget t) {
        if (t instanceof RecoveryTarget.Time x) {
            return "time " + x.time();
        } else if (t instanceof RecoveryTarget.Lsn x) {
            return "LSN " + x.lsn();
        } else if (t instanceof RecoveryTarget.Xid x) {
            return "transaction " + x.xid();
        } else if (t instanceof RecoveryTarget.Name x) {
            return "restore point '" + x.name() + "'";
        } else if (t instanceof RecoveryTarget.Immediate) {
            return "the backup's consistent point";
        }
        return "the end of the archived WAL";
    }
}
