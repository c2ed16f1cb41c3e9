package io.dr4j.postgres.backup;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.dr4j.core.Progress;
import io.dr4j.core.ProgressListener;

/** Thread-safe progress counters reported to a listener at most every 250 ms (and on {@link #finish()}). */
public final class ProgressTracker {
    private final ProgressListener listener;
    private final String operation;
    private final long startNanos = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong();
    private volatile String phase;
    private volatile long bytesTotal = -1;
    private volatile long itemsTotal = -1;

    public ProgressTracker(ProgressListener listener, String operation, String phase) {
        this.listener = listener;
        this.operation = operation;
        this.phase = phase;
    }

    public void phase(String p, long totalBytes, long totalItems) {
        if (bytes.get() > 0 || items.get() > 0) {
            report(true); // the final state of the phase that ends
        }
        phase = p;
        bytes.set(0);
        items.set(0);
        bytesTotal = totalBytes;
        itemsTotal = totalItems;
        report(true);
    }

    public void addBytes(long n) {
        bytes.addAndGet(n);
        report(false);
    }

    public void addItem() {
        items.incrementAndGet();
        report(false);
    }

    public long bytes() {
        return bytes.get();
    }

    public long items() {
        return items.get();
    }

    public void finish() {
        report(true);
    }

    private void report(boolean force) {
        long now = System.nanoTime();
        long last = lastReport.get();
        if (force || now - last > 250_000_000L && lastReport.compareAndSet(last, now)) {
            try {
                listener.onProgress(new Progress(operation, phase, bytes.get(), bytesTotal, items.get(), itemsTotal,
                        Duration.ofNanos(now - startNanos)));
            } catch (RuntimeException ignored) {
                // a failing listener must not fail the work
            }
        }
    }
}
