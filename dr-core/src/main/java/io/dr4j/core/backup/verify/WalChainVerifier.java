package io.dr4j.core.backup.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.backup.WalSegment;

import org.jspecify.annotations.Nullable;

/**
 * Checks that the archived WAL is continuous from each physical backup's first segment to the newest segment,
 * following timeline switches recorded in {@code .history} files, and derives the restorable window. A missing
 * segment while later ones exist is a gap, named in the result.
 */
public final class WalChainVerifier {
    private final Repository repository;

    public WalChainVerifier(Repository repository) {
        this.repository = repository;
    }

    /** The outcome for one backup. */
    public record BackupChain(String backupId, boolean consistent, @Nullable String lastContiguous,
                              @Nullable String firstMissing, @Nullable Instant restorableUntil) {
    }

    /** The result: per backup, the restorable window and the gaps. */
    public record Result(List<BackupChain> backups, @Nullable Instant restorableFrom, @Nullable Instant restorableTo,
                         @Nullable String newestSegment, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** Checks without recording. */
    public Result check() {
        Map<String, Map<Long, WalSegment>> byTimeline = new HashMap<>();
        Map<Long, long[]> children = new HashMap<>(); // child tl -> {parent tl, switch lsn}
        String newest = null;
        List<BackupManifest> manifests = repository.catalog().list();
        long repoSegSize = manifests.stream().map(m -> m.property("walSegmentSize")).flatMap(Optional::stream)
                .map(Long::parseLong).findFirst().orElse(WalNames.DEFAULT_SEGMENT_SIZE);
        for (String tl : repository.wal().timelines()) {
            Map<Long, WalSegment> segs = new HashMap<>();
            for (WalSegment w : repository.wal().list(tl)) {
                if (w.name().endsWith(".history") && !w.partial()) {
                    long[] parentSwitch = readHistory(w);
                    if (parentSwitch != null) {
                        children.put(WalNames.timeline(w.name()), parentSwitch);
                    }
                } else if (w.isSegment() && !w.partial()) {
                    segs.put(WalNames.segmentNumber(w.name(), repoSegSize), w);
                    if (newest == null || w.name().compareTo(newest) > 0) {
                        newest = w.name();
                    }
                }
            }
            byTimeline.put(tl, segs);
        }
        List<BackupChain> chains = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        for (BackupManifest m : manifests) {
            if (m.type() == BackupType.LOGICAL) {
                continue;
            }
            Optional<String> start = WalNames.startSegment(m);
            Optional<String> stop = WalNames.stopSegment(m);
            if (start.isEmpty()) {
                continue;
            }
            long segSize = repoSegSize;
            long tl = WalNames.timeline(start.get());
            long segNo = WalNames.segmentNumber(start.get(), segSize);
            String lastGood = null;
            String missing = null;
            Instant lastTime = null;
            Set<Long> seenTimelines = new HashSet<>();
            while (true) {
                Long child = childSwitchingAt(children, tl, segNo, segSize);
                if (child != null && seenTimelines.add(child)) {
                    tl = child;
                }
                String tlName = String.format("%08X", tl);
                String name = WalNames.segmentName(tl, segNo * segSize, segSize);
                WalSegment seg = byTimeline.getOrDefault(tlName, Map.of()).get(segNo);
                if (seg != null) {
                    lastGood = name;
                    segNo++;
                    lastTime = repository.stat(seg.key()).map(io.dr4j.core.storage.ObjectInfo::lastModified).orElse(lastTime);
                    continue;
                }
                final long cur = segNo;
                boolean later = byTimeline.getOrDefault(tlName, Map.of()).keySet().stream().anyMatch(n -> n > cur)
                        || children.entrySet().stream().anyMatch(e -> e.getValue()[0] == WalNames.timeline(name)
                        && byTimeline.containsKey(String.format("%08X", e.getKey())));
                if (later) {
                    missing = name;
                }
                break;
            }
            boolean consistent = stop.isPresent() && lastGood != null
                    && WalNames.position(lastGood).compareTo(WalNames.position(stop.get())) >= 0;
            if (!consistent) {
                problems.add("Backup " + m.id() + " cannot be restored: WAL segment "
                        + (lastGood == null ? start.get() : WalNames.nextSegment(lastGood, segSize))
                        + " (needed to make it consistent, up to " + stop.orElse("?") + ") is missing");
            } else if (missing != null) {
                problems.add("WAL gap after backup " + m.id() + ": segment " + missing + " is missing while later "
                        + "segments exist; recovery from this backup stops at " + lastGood);
            }
            chains.add(new BackupChain(m.id(), consistent, lastGood, missing, consistent ? lastTime : null));
            if (consistent) {
                if (from == null || m.finishedAt().isBefore(from)) {
                    from = m.finishedAt();
                }
                if (lastTime != null && (to == null || lastTime.isAfter(to))) {
                    to = lastTime;
                }
            }
        }
        return new Result(chains, from, to, newest, problems);
    }

    private static @Nullable Long childSwitchingAt(Map<Long, long[]> children, long tl, long segNo, long segSize) {
        Long best = null;
        for (Map.Entry<Long, long[]> e : children.entrySet()) {
            long[] ps = e.getValue();
            if (ps[0] == tl && Long.divideUnsigned(ps[1], segSize) == segNo && (best == null || e.getKey() > best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** The parent timeline and switch point of a history file: its last line {@code parent<TAB>X/Y<TAB>reason}. */
    private long @Nullable [] readHistory(WalSegment w) {
        try (InputStream in = repository.wal().read(w)) {
            String text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            long[] last = null;
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] p = l.split("\\s+");
                if (p.length >= 2) {
                    last = new long[] {Long.parseLong(p[0]), WalNames.parseLsn(p[1])};
                }
            }
            return last;
        } catch (IOException | RuntimeException e) {
            throw new RepositoryException("Timeline history " + w.key() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Checks and records the result in the repository. */
    public VerificationRecord run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Result r = check();
        Map<String, String> details = new LinkedHashMap<>();
        if (r.restorableFrom() != null) {
            details.put("restorableFrom", r.restorableFrom().toString());
        }
        if (r.restorableTo() != null) {
            details.put("restorableTo", r.restorableTo().toString());
        }
        if (r.newestSegment() != null) {
            details.put("newestSegment", r.newestSegment());
        }
        VerificationRecord rec = new VerificationRecord(VerificationRecord.Kind.WAL_CHAIN, started,
                Duration.ofNanos(System.nanoTime() - t0), r.passed(),
                r.backups().stream().map(BackupChain::backupId).toList(), r.problems(), details);
        new VerificationLog(repository).record(rec);
        return rec;
    }
}
