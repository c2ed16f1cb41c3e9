package io.dr4j.core.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.storage.ObjectInfo;

import org.jspecify.annotations.Nullable;

/**
 * WAL archive lag: the RPO you are exposed to right now. Finds the newest archived WAL of the newest timeline (a
 * partial segment counts: it holds the WAL streamed so far) and reports:
 * <ul>
 *   <li>its age: DOWN when nothing was archived for longer than {@code maxAge};</li>
 *   <li>when a current position is supplied (the server's current WAL file name, e.g. from
 *       {@code SELECT pg_walfile_name(pg_current_wal_lsn())}): the number of complete segments written by the server
 *       but not archived, and the bytes they hold; DOWN beyond {@code maxSegmentsBehind}.</li>
 * </ul>
 */
public final class WalLagCheck extends MonitorCheck {
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    private final Repository repository;
    private final Duration maxAge;
    private final @Nullable Supplier<String> currentWalFile;
    private final long maxSegmentsBehind;
    private final long segmentSize;

    /**
     * @param currentWalFile    the server's current WAL file name, or null to judge by age only
     * @param maxSegmentsBehind complete segments allowed to wait for archiving (archive_command mode lags by design)
     * @param segmentSize       the cluster's wal_segment_size (16 MiB by default)
     */
    public WalLagCheck(Repository repository, Duration maxAge, @Nullable Supplier<String> currentWalFile,
                       long maxSegmentsBehind, long segmentSize, Clock clock) {
        super(clock);
        this.repository = Objects.requireNonNull(repository, "repository");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.currentWalFile = currentWalFile;
        this.maxSegmentsBehind = maxSegmentsBehind;
        if (segmentSize <= 0 || Long.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException("segmentSize must be a power of two, was " + segmentSize);
        }
        this.segmentSize = segmentSize;
    }

    @Override
    public String name() {
        return "wal-lag";
    }

    @Override
    Finding evaluate() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("maxAgeSeconds", maxAge.toSeconds());
        List<String> timelines = repository.wal().timelines();
        if (timelines.isEmpty()) {
            return Finding.down("No WAL archived in " + repository.target().location() + ": point-in-time recovery is "
                    + "impossible. Start the WAL archiver or set archive_command", d);
        }
        String timeline = timelines.get(timelines.size() - 1);
        String newestSegment = null;
        Instant newestAt = null;
        boolean newestPartial = false;
        try (Stream<ObjectInfo> s = repository.target().listAll("wal/" + timeline + "/")) {
            for (ObjectInfo o : (Iterable<ObjectInfo>) s::iterator) {
                String file = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (file.length() < 24 || !WalArchive.isSegmentName(file.substring(0, 24))) {
                    continue;
                }
                String seg = file.substring(0, 24);
                boolean partial = file.startsWith(seg + ".partial");
                if (newestAt == null || o.lastModified().isAfter(newestAt)) {
                    newestAt = o.lastModified();
                }
                if (newestSegment == null || seg.compareTo(newestSegment) > 0
                        || (seg.equals(newestSegment) && !partial)) {
                    newestSegment = seg;
                    newestPartial = partial;
                }
            }
        }
        if (newestSegment == null || newestAt == null) {
            return Finding.down("Timeline " + timeline + " has no archived WAL segment yet", d);
        }
        Duration age = Duration.between(newestAt, clock.instant());
        d.put("timeline", timeline);
        d.put("newestSegment", newestSegment);
        d.put("newestIsPartial", newestPartial);
        d.put("newestArchivedAt", newestAt.toString());
        d.put("ageSeconds", age.toSeconds());
        StringBuilder text = new StringBuilder("WAL archived up to " + newestSegment
                + (newestPartial ? " (partial)" : "") + ", " + human(age) + " ago");
        boolean down = false;
        if (currentWalFile != null) {
            String current = currentWalFile.get();
            if (current == null || !WalArchive.isSegmentName(current.trim())) {
                return Finding.down("The current WAL position is not a WAL file name: '" + current + "'", d);
            }
            current = current.trim();
            // the current segment is being written; complete segments before it should be archived
            long behind = segmentNumber(current) - segmentNumber(newestSegment) - (newestPartial ? 0 : 1);
            behind = Math.max(0, behind);
            d.put("currentSegment", current);
            d.put("segmentsBehind", behind);
            d.put("lagBytes", behind * segmentSize);
            text.append("; server at ").append(current).append(", ").append(behind).append(" complete segment(s) (")
                    .append(bytes(behind * segmentSize)).append(") not archived");
            if (behind > maxSegmentsBehind) {
                down = true;
                text.append(" (limit ").append(maxSegmentsBehind).append(")");
            }
        }
        if (age.compareTo(maxAge) > 0) {
            down = true;
            text.append("; nothing archived for longer than ").append(human(maxAge));
        }
        if (down) {
            return Finding.down(text + ". RPO exposure is growing: check the WAL archiver (or archive_command) and "
                    + "the repository's reachability", d);
        }
        return Finding.up(text.toString(), d);
    }

    long segmentNumber(String name) {
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        return log * (0x1_0000_0000L / segmentSize) + seg;
    }
}
