package io.dr4j.core.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends periodic status messages while an incident (a running recovery plan) lasts: one when it starts, then one
 * every {@code interval} (30 minutes by default), and a resolve message when it stops. Each message carries the
 * status text supplied by the caller and the time elapsed. All messages of an incident share the dedup key
 * {@code incident:<id>} (PagerDuty keeps them on one incident); titles are numbered so routers do not suppress them.
 *
 * <pre>{@code
 * var updater = IncidentStatusUpdater.builder().notifier(alerts).build();
 * updater.start("INC-42", () -> runner.currentStepDescription());
 * ...
 * updater.stop("INC-42", "Recovered: RTO 1 h 12 min");
 * }</pre>
 */
public final class IncidentStatusUpdater implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IncidentStatusUpdater.class);

    private static final class Running {
        final Instant startedAt;
        final AtomicInteger updates = new AtomicInteger();
        final Supplier<String> status;
        volatile ScheduledFuture<?> future;

        Running(Instant startedAt, Supplier<String> status) {
            this.startedAt = startedAt;
            this.status = status;
        }

        void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private final Notifier notifier;
    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final Clock clock;
    private final Duration interval;
    private final Severity severity;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    private IncidentStatusUpdater(Builder b) {
        this.notifier = Objects.requireNonNull(b.notifier, "notifier");
        this.clock = b.clock;
        this.interval = b.interval;
        this.severity = b.severity;
        if (b.executor == null) {
            this.executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dr4j-incident-status");
                t.setDaemon(true);
                return t;
            });
            this.ownExecutor = true;
        } else {
            this.executor = b.executor;
            this.ownExecutor = false;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts status updates for an incident: the first one now, then every interval.
     *
     * @throws IllegalStateException when updates for this incident are running already
     */
    public void start(String incidentId, Supplier<String> status) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(status, "status");
        Running r = new Running(clock.instant(), status);
        if (running.putIfAbsent(incidentId, r) != null) {
            throw new IllegalStateException("Status updates for incident " + incidentId + " are running already; "
                    + "stop them first");
        }
        r.future = executor.scheduleAtFixedRate(() -> send(incidentId, r), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
        if (running.get(incidentId) != r) {
            r.cancel(); // stopped while we were scheduling
        }
        log.info("Incident {}: status updates every {} started", incidentId, format(interval));
    }

    private synchronized void send(String incidentId, Running r) {
        if (running.get(incidentId) != r) {
            return;
        }
        int n = r.updates.incrementAndGet();
        String status;
        try {
            status = r.status.get();
        } catch (RuntimeException e) {
            status = "(status unavailable: " + e.getClass().getSimpleName() + ")";
        }
        Duration elapsed = Duration.between(r.startedAt, clock.instant());
        Alert a = new Alert(severity, "Incident " + incidentId + ": status update #" + n,
                status + "\nElapsed: " + format(elapsed), "incident-status", key(incidentId), false,
                Map.of("incident", incidentId, "update", Integer.toString(n), "elapsed", format(elapsed)),
                clock.instant());
        try {
            notifier.notify(a);
        } catch (RuntimeException e) {
            // never stop the schedule: the next update may get through
            log.warn("Status update #{} of incident {} not delivered: {}", n, incidentId, e.getMessage());
        }
    }

    /** Stops the updates and sends the resolve message with {@code finalMessage}. No-op when not running. */
    public void stop(String incidentId, String finalMessage) {
        Running r;
        synchronized (this) { // an update being sent finishes before the resolve
            r = running.remove(incidentId);
        }
        if (r == null) {
            return;
        }
        r.cancel();
        Duration elapsed = Duration.between(r.startedAt, clock.instant());
        Alert a = new Alert(severity, "Incident " + incidentId + " closed", finalMessage + "\nDuration: "
                + format(elapsed), "incident-status", key(incidentId), true,
                Map.of("incident", incidentId, "elapsed", format(elapsed)), clock.instant());
        try {
            notifier.notify(a);
        } catch (RuntimeException e) {
            log.warn("Closing message of incident {} not delivered: {}", incidentId, e.getMessage());
        }
        log.info("Incident {}: status updates stopped after {}", incidentId, format(elapsed));
    }

    /** Whether updates for this incident are running. */
    public boolean isRunning(String incidentId) {
        return running.containsKey(incidentId);
    }

    /** How many updates were sent for a running incident. */
    public int updatesSent(String incidentId) {
        Running r = running.get(incidentId);
        return r == null ? 0 : r.updates.get();
    }

    static String key(String incidentId) {
        return "incident:" + incidentId;
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        return h > 0 ? h + " h " + m + " min" : m + " min";
    }

    /** Cancels every running schedule without resolve messages; shuts down an executor it created. */
    @Override
    public void close() {
        running.values().forEach(Running::cancel);
        running.clear();
        if (ownExecutor) {
            executor.shutdownNow();
        }
    }

    /** Builds an {@link IncidentStatusUpdater}. */
    public static final class Builder {
        private @Nullable Notifier notifier;
        private @Nullable ScheduledExecutorService executor;
        private Clock clock = Clock.systemUTC();
        private Duration interval = Duration.ofMinutes(30);
        private Severity severity = Severity.WARNING;

        private Builder() {
        }

        /** Where updates go, typically an {@link AlertRouter} (through an {@link AsyncNotifier}). */
        public Builder notifier(Notifier notifier) {
            this.notifier = notifier;
            return this;
        }

        /** Runs the schedule; by default a daemon thread of its own. */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /** For the elapsed time and message timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Default 30 minutes. */
        public Builder interval(Duration interval) {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be positive, was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** Severity of the updates (routing); default WARNING. */
        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        public IncidentStatusUpdater build() {
            return new IncidentStatusUpdater(this);
        }
    }
}
