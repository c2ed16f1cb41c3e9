package io.dr4j.core;

/**
 * Receives progress of long-running work. Called from worker threads: implementations must be thread-safe and
 * fast (the CLI draws a bar from it). Calls are throttled by the producer, typically a few per second.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
