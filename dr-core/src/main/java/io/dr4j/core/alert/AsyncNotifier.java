package io.dr4j.core.alert;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts on a background thread so that the caller (a backup, a WAL push) never waits for a slow or
 * unreachable channel. {@link #notify(Alert)} only puts the alert in a bounded queue and returns at once; when the
 * queue is full the alert is dropped, counted ({@link #dropped()}) and reported to the drop listener and the log.
 * Delivery failures (after the channel's retries) are counted and reported to the failure listener, never thrown at
 * the caller.
 */
public final class AsyncNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(AsyncNotifier.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Notifier delegate;
    private final BlockingQueue<Alert> queue;
    private final Thread worker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final BiConsumer<Alert, String> onDrop;
    private final BiConsumer<Alert, NotificationException> onFailure;

    private AsyncNotifier(Notifier delegate, int capacity, @Nullable BiConsumer<Alert, String> onDrop,
                          @Nullable BiConsumer<Alert, NotificationException> onFailure) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, was " + capacity);
        }
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onDrop = onDrop == null ? (a, r) -> { } : onDrop;
        this.onFailure = onFailure == null ? (a, e) -> { } : onFailure;
        this.worker = new Thread(this::run, "dr4j-alerts-" + THREADS.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    /** Wraps {@code delegate} with a queue of {@code capacity} alerts. */
    public static AsyncNotifier wrap(Notifier delegate, int capacity) {
        return new AsyncNotifier(delegate, capacity, null, null);
    }

    /**
     * Wraps {@code delegate}, reporting dropped alerts (with the reason) and failed deliveries to the listeners.
     * Listeners run on the caller's thread (drops) or the delivery thread (failures) and must not block.
     */
    public static AsyncNotifier wrap(Notifier delegate, int capacity, BiConsumer<Alert, String> onDrop,
                                     BiConsumer<Alert, NotificationException> onFailure) {
        return new AsyncNotifier(delegate, capacity, onDrop, onFailure);
    }

    @Override
    public String name() {
        return "async:" + delegate.name();
    }

    /** Queues the alert; never blocks and never throws for a delivery problem. */
    @Override
    public void notify(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        if (closed.get()) {
            drop(alert, "the alert dispatcher is closed");
            return;
        }
        if (!queue.offer(alert)) {
            drop(alert, "the alert queue is full (" + (queue.size() + queue.remainingCapacity())
                    + " alerts waiting): channels are slower than alerts arrive");
        }
    }

    private void drop(Alert alert, String reason) {
        long n = dropped.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) { // 1, 2, 4, 8...: do not flood the log
            log.warn("Alert '{}' dropped ({} dropped so far): {}", alert.title(), n, reason);
        }
        try {
            onDrop.accept(alert, reason);
        } catch (RuntimeException e) {
            log.warn("Drop listener failed: {}", e.toString());
        }
    }

    private void run() {
        while (true) {
            Alert a;
            try {
                a = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (a == null) {
                if (closed.get()) {
                    return;
                }
                continue;
            }
            inFlight.incrementAndGet();
            try {
                delegate.notify(a);
                delivered.incrementAndGet();
            } catch (NotificationException e) {
                failed.incrementAndGet();
                log.error("Alert '{}' was not delivered: {}", a.title(), e.getMessage());
                try {
                    onFailure.accept(a, e);
                } catch (RuntimeException le) {
                    log.warn("Failure listener failed: {}", le.toString());
                }
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                log.error("Alert channel {} failed unexpectedly on '{}'", delegate.name(), a.title(), e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** Alerts dropped because the queue was full or the dispatcher closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Alerts the delegate accepted. */
    public long delivered() {
        return delivered.get();
    }

    /** Alerts the delegate failed to deliver. */
    public long failed() {
        return failed.get();
    }

    /** Alerts waiting in the queue. */
    public int pending() {
        return queue.size();
    }

    /** Waits until every queued alert was handled; false on timeout. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queue.isEmpty() || inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Stops accepting alerts, delivers what is queued (up to 10 s), then closes the delegate. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.join(Math.max(1, drainTimeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            log.warn("{} alerts were still queued when the dispatcher closed", queue.size());
        }
        delegate.close();
    }

    @Override
    public String toString() {
        return "AsyncNotifier[" + delegate.name() + ", pending " + queue.size() + ", dropped " + dropped.get() + "]";
    }
}
