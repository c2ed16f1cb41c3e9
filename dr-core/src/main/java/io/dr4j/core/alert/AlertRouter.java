package io.dr4j.core.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes alerts to channels by severity, with de-duplication, rate limiting and resolve messages.
 *
 * <ul>
 *   <li><b>Routing</b>: each channel has a minimum severity (e.g. Slack from WARNING, PagerDuty and SMS only
 *       CRITICAL).</li>
 *   <li><b>De-duplication</b>: an alert with the same dedup key, severity and title as one sent within the
 *       de-duplication window is not sent again (an escalation or a new title is).</li>
 *   <li><b>Resolve</b>: a resolve message goes to the channels that received the incident, whatever their minimum
 *       severity, and only when an incident with that key is open.</li>
 *   <li><b>Rate limiting</b>: at most {@code maxPerWindow} alerts per channel in any {@code rateWindow}; the rest are
 *       dropped and counted (resolves are never rate-limited, so incidents close).</li>
 * </ul>
 *
 * A channel that fails does not stop delivery to the others; the router then throws one
 * {@link NotificationException} naming every channel that failed. Thread-safe.
 */
public final class AlertRouter implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(AlertRouter.class);

    /** A channel and the lowest severity it receives. */
    public record Route(Notifier notifier, Severity minSeverity) {
        public Route {
            Objects.requireNonNull(notifier, "notifier");
            Objects.requireNonNull(minSeverity, "minSeverity");
        }
    }

    /** Counters since the router was built. */
    public record Stats(long sent, long deduplicated, long rateLimited, long failed) {
    }

    private record Open(Severity severity, String title, Instant lastSent, Set<Notifier> channels) {
    }

    private final List<Route> routes;
    private final Clock clock;
    private final Duration dedupWindow;
    private final int maxPerWindow;
    private final Duration rateWindow;
    private final Map<String, Open> open = new HashMap<>();
    private final Map<Notifier, Deque<Instant>> recent = new HashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong deduplicated = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private AlertRouter(Builder b) {
        this.routes = List.copyOf(b.routes);
        this.clock = b.clock;
        this.dedupWindow = b.dedupWindow;
        this.maxPerWindow = b.maxPerWindow;
        this.rateWindow = b.rateWindow;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "router" + routes.stream().map(r -> r.notifier().name()).toList();
    }

    public List<Route> routes() {
        return routes;
    }

    public Stats stats() {
        return new Stats(sent.get(), deduplicated.get(), rateLimited.get(), failed.get());
    }

    @Override
    public void notify(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        List<Notifier> targets = select(alert);
        List<String> failures = new ArrayList<>();
        NotificationException first = null;
        Set<Notifier> delivered = new LinkedHashSet<>();
        for (Notifier n : targets) {
            try {
                n.notify(alert);
                delivered.add(n);
                sent.incrementAndGet();
            } catch (NotificationException e) {
                failed.incrementAndGet();
                failures.add(n.name());
                if (first == null) {
                    first = e;
                }
                log.warn("Alert '{}' not delivered to {}: {}", alert.title(), n.name(), e.getMessage());
            }
        }
        record(alert, delivered);
        if (first != null) {
            NotificationException e = new NotificationException("Alert '" + alert.title() + "' could not be delivered "
                    + "to " + String.join(", ", failures) + (delivered.isEmpty() ? "" : " (delivered to "
                    + delivered.stream().map(Notifier::name).toList() + ")") + ": " + first.getMessage(), first);
            throw e;
        }
    }

    private synchronized List<Notifier> select(Alert alert) {
        Instant now = clock.instant();
        Open o = open.get(alert.dedupKey());
        if (alert.resolved()) {
            if (o == null) {
                deduplicated.incrementAndGet();
                log.debug("Resolve of '{}' dropped: no open incident {}", alert.title(), alert.dedupKey());
                return List.of();
            }
            return List.copyOf(o.channels());
        }
        if (o != null && o.severity() == alert.severity() && o.title().equals(alert.title())
                && Duration.between(o.lastSent(), now).compareTo(dedupWindow) < 0) {
            deduplicated.incrementAndGet();
            log.debug("Alert '{}' suppressed: sent already at {} ({})", alert.title(), o.lastSent(), alert.dedupKey());
            return List.of();
        }
        List<Notifier> out = new ArrayList<>();
        for (Route r : routes) {
            if (alert.severity().compareTo(r.minSeverity()) < 0) {
                continue;
            }
            if (!admit(r.notifier(), now)) {
                rateLimited.incrementAndGet();
                log.warn("Alert '{}' not sent to {}: more than {} alerts in {}", alert.title(), r.notifier().name(),
                        maxPerWindow, rateWindow);
                continue;
            }
            out.add(r.notifier());
        }
        return out;
    }

    private boolean admit(Notifier n, Instant now) {
        Deque<Instant> q = recent.computeIfAbsent(n, k -> new ArrayDeque<>());
        while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(rateWindow))) {
            q.pollFirst();
        }
        if (q.size() >= maxPerWindow) {
            return false;
        }
        q.addLast(now);
        return true;
    }

    private synchronized void record(Alert alert, Set<Notifier> delivered) {
        if (alert.resolved()) {
            Open o = open.get(alert.dedupKey());
            if (o != null) {
                Set<Notifier> left = new LinkedHashSet<>(o.channels());
                left.removeAll(delivered);
                if (left.isEmpty()) {
                    open.remove(alert.dedupKey());
                } else {
                    // keep the incident open on the channels that did not get the resolve, so a retry reaches them
                    open.put(alert.dedupKey(), new Open(o.severity(), o.title(), o.lastSent(), left));
                }
            }
            return;
        }
        if (delivered.isEmpty()) {
            return;
        }
        Open o = open.get(alert.dedupKey());
        Set<Notifier> channels = new LinkedHashSet<>(delivered);
        if (o != null) {
            channels.addAll(o.channels());
        }
        open.put(alert.dedupKey(), new Open(alert.severity(), alert.title(), clock.instant(), channels));
    }

    /** Whether an incident with this key was alerted and not resolved yet. */
    public synchronized boolean isOpen(String dedupKey) {
        return open.containsKey(dedupKey);
    }

    @Override
    public void close() {
        for (Route r : routes) {
            try {
                r.notifier().close();
            } catch (RuntimeException e) {
                log.warn("Closing alert channel {} failed: {}", r.notifier().name(), e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "AlertRouter" + routes.stream().map(r -> r.notifier().name() + ">=" + r.minSeverity()).toList();
    }

    /** Builds an {@link AlertRouter}. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Duration dedupWindow = Duration.ofHours(1);
        private int maxPerWindow = 30;
        private Duration rateWindow = Duration.ofHours(1);

        private Builder() {
        }

        /** Sends alerts of {@code minSeverity} and above to {@code notifier}. */
        public Builder route(Notifier notifier, Severity minSeverity) {
            routes.add(new Route(notifier, minSeverity));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Identical alerts within this window are sent once (default 1 h). */
        public Builder dedupWindow(Duration window) {
            this.dedupWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /** At most {@code max} alerts per channel in any {@code window} (default 30 per hour). */
        public Builder rateLimit(int max, Duration window) {
            if (max < 1) {
                throw new IllegalArgumentException("rate limit must be at least 1, was " + max);
            }
            this.maxPerWindow = max;
            this.rateWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        public AlertRouter build() {
            return new AlertRouter(this);
        }
    }
}
