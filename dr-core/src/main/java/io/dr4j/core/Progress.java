package io.dr4j.core;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A snapshot of long-running work: which phase, how many bytes and items are done out of how many (when known),
 * and how long it has run. Listeners derive rate and ETA from it.
 *
 * @param operation  what runs, e.g. {@code "backup"}, {@code "restore"}
 * @param phase      the current phase, e.g. {@code "copy"}, {@code "wal"}
 * @param bytesDone  bytes processed so far
 * @param bytesTotal total bytes, or -1 when unknown
 * @param itemsDone  items (files, segments, objects) done so far
 * @param itemsTotal total items, or -1 when unknown
 * @param elapsed    time since the operation started
 */
public record Progress(String operation, String phase, long bytesDone, long bytesTotal, long itemsDone,
                       long itemsTotal, Duration elapsed) {

    /** Bytes per second since the start, 0 when nothing has been measured yet. */
    public double bytesPerSecond() {
        long ms = elapsed.toMillis();
        return ms <= 0 ? 0 : bytesDone * 1000.0 / ms;
    }

    /** Estimated time left in seconds, when the total is known and some progress was made. */
    public OptionalLong etaSeconds() {
        double rate = bytesPerSecond();
        if (bytesTotal < 0 || rate <= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) Math.ceil(Math.max(0, bytesTotal - bytesDone) / rate));
    }
}
