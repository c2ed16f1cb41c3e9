package io.dr4j.core.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only moves when told to: hand it to the {@link Scheduler}, the monitor's checks, a leader lock or a
 * recovery plan to test missed runs, backup age, lease expiry or approval time-outs without waiting. Thread-safe;
 * {@link #withZone(ZoneId)} returns a view that shares this clock's time.
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock at an ISO-8601 instant such as {@code 2026-11-26T02:00:00Z}, in UTC. */
    public static ManualClock at(String isoInstant) {
        return new ManualClock(Instant.parse(isoInstant));
    }

    /** Moves the clock to {@code t} (also backwards). */
    public void set(Instant t) {
        now.set(Objects.requireNonNull(t, "t"));
    }

    /** Moves the clock to an ISO-8601 instant. */
    public void set(String isoInstant) {
        set(Instant.parse(isoInstant));
    }

    /** Moves the clock forward by {@code d}. */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new ManualClock(now, zone);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + ", " + zone + "]";
    }
}
