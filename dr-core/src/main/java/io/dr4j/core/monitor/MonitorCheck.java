package io.dr4j.core.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Base of the monitor's checks: measures latency and turns an unexpected failure into DOWN with the reason. */
abstract class MonitorCheck implements HealthCheck {
    private static final Logger log = LoggerFactory.getLogger(MonitorCheck.class);

    /** What a check found. */
    record Finding(HealthStatus status, String message, Map<String, Object> details) {
        static Finding up(String message, Map<String, Object> details) {
            return new Finding(HealthStatus.UP, message, details);
        }

        static Finding degraded(String message, Map<String, Object> details) {
            return new Finding(HealthStatus.DEGRADED, message, details);
        }

        static Finding down(String message, Map<String, Object> details) {
            return new Finding(HealthStatus.DOWN, message, details);
        }
    }

    protected final Clock clock;

    MonitorCheck(Clock clock) {
        this.clock = clock;
    }

    abstract Finding evaluate() throws Exception;

    @Override
    public final HealthResult check() {
        long t0 = System.nanoTime();
        Finding f;
        try {
            f = evaluate();
        } catch (Exception e) {
            log.warn("Check {} could not run: {}", name(), e.getMessage());
            f = Finding.down(name() + " could not be checked: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), Map.of("error", e.getClass().getSimpleName()));
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        return new HealthResult(name(), f.status(), f.message(), f.details(), latency, clock.instant());
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172_800) {
            return String.format(java.util.Locale.ROOT, "%.1f h", s / 3600.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f days", s / 86400.0);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
