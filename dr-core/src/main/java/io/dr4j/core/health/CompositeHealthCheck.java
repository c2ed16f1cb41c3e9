package io.dr4j.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs several checks in parallel, each bounded by its own {@link HealthCheck#timeout()} (a check that overruns
 * counts as DOWN and is interrupted); the worst status wins. Members added with
 * {@link Builder#addNonCritical(HealthCheck)} can only make the composite DEGRADED: their DOWN counts as DEGRADED.
 * A member that throws counts as DOWN with the exception as reason.
 */
public final class CompositeHealthCheck implements HealthCheck {
    private final String name;
    private final List<HealthCheck> checks;
    private final List<Boolean> critical;
    private final Duration timeout;

    private CompositeHealthCheck(String name, List<HealthCheck> checks, List<Boolean> critical) {
        this.name = name;
        this.checks = List.copyOf(checks);
        this.critical = List.copyOf(critical);
        this.timeout = checks.stream().map(HealthCheck::timeout).max(Duration::compareTo).orElse(Duration.ofSeconds(10))
                .plusSeconds(1);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    public List<HealthCheck> checks() {
        return checks;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, checks.size()), r -> {
            Thread t = new Thread(r, "dr4j-health-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<HealthResult>> futures = new ArrayList<>();
            for (HealthCheck c : checks) {
                futures.add(pool.submit(c::check));
            }
            HealthStatus worst = HealthStatus.UP;
            Map<String, Object> details = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                HealthCheck c = checks.get(i);
                HealthResult r = await(c, futures.get(i));
                HealthStatus counted = r.status();
                if (!critical.get(i) && counted == HealthStatus.DOWN) {
                    counted = HealthStatus.DEGRADED;
                }
                worst = worst.worst(counted);
                details.put(c.name(), r.status() + ": " + r.message());
                if (r.status() != HealthStatus.UP) {
                    problems.add(c.name() + " " + r.status() + " (" + r.message() + ")");
                }
            }
            String message = problems.isEmpty() ? "all " + checks.size() + " checks UP"
                    : String.join("; ", problems);
            return new HealthResult(name, worst, message, details, Duration.ofNanos(System.nanoTime() - t0),
                    Instant.now());
        } finally {
            pool.shutdownNow();
        }
    }

    private static HealthResult await(HealthCheck c, Future<HealthResult> f) {
        long t0 = System.nanoTime();
        try {
            HealthResult r = f.get(c.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return r == null ? HealthResult.down(c.name(), "check returned no result", Duration.ZERO) : r;
        } catch (TimeoutException e) {
            f.cancel(true);
            return HealthResult.down(c.name(), "no answer within " + c.timeout(), Duration.ofNanos(System.nanoTime() - t0));
        } catch (ExecutionException e) {
            return HealthResult.down(c.name(), "check threw " + HttpHealthCheck.describe(e.getCause()),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return HealthResult.down(c.name(), "interrupted", Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** Runs one check bounded by its timeout, never throwing: the way plans and composites run checks. */
    public static HealthResult runBounded(HealthCheck check) {
        CompletableFuture<HealthResult> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(check.check());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "dr4j-health-" + check.name());
        t.setDaemon(true);
        t.start();
        HealthResult r = await(check, f);
        if (!f.isDone()) {
            t.interrupt();
        }
        return r;
    }

    @Override
    public String toString() {
        return "CompositeHealthCheck[" + name + ", " + checks.size() + " checks]";
    }

    /** Builds a composite. */
    public static final class Builder {
        private final String name;
        private final List<HealthCheck> checks = new ArrayList<>();
        private final List<Boolean> critical = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** A member whose DOWN makes the composite DOWN. */
        public Builder add(HealthCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            critical.add(true);
            return this;
        }

        /** A member whose DOWN makes the composite only DEGRADED. */
        public Builder addNonCritical(HealthCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            critical.add(false);
            return this;
        }

        public CompositeHealthCheck build() {
            if (checks.isEmpty()) {
                throw new IllegalArgumentException("Composite health check '" + name + "' has no checks: add at least one");
            }
            return new CompositeHealthCheck(name, checks, critical);
        }
    }
}
