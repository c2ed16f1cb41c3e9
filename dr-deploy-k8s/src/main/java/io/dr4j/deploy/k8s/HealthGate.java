package io.dr4j.deploy.k8s;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;

/** Polls a list of checks until all are UP or the deadline passes; enforces each check's timeout. */
final class HealthGate {
    private final ExecutorService executor;
    private final Duration poll;

    HealthGate(ExecutorService executor, Duration poll) {
        this.executor = executor;
        this.poll = poll;
    }

    /**
     * The outcome of the gate.
     *
     * @param up      every check answered UP before the deadline
     * @param results the last answer of each check
     */
    record Outcome(boolean up, List<HealthResult> results) {
        String summary() {
            return results.stream().filter(r -> !r.isUp())
                    .map(r -> r.name() + " " + r.status() + ": " + r.message()).collect(Collectors.joining("; "));
        }
    }

    Outcome await(List<HealthCheck> checks, Instant deadline) throws InterruptedException {
        if (checks.isEmpty()) {
            return new Outcome(true, List.of());
        }
        while (true) {
            List<HealthResult> results = new ArrayList<>();
            boolean allUp = true;
            for (HealthCheck c : checks) {
                HealthResult r = run(c, deadline);
                results.add(r);
                allUp &= r.isUp();
            }
            if (allUp || !Instant.now().plus(poll).isBefore(deadline)) {
                return new Outcome(allUp, results);
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private HealthResult run(HealthCheck check, Instant deadline) throws InterruptedException {
        long remaining = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        long limit = Math.min(check.timeout().toMillis(), remaining);
        long start = System.nanoTime();
        Future<HealthResult> f = executor.submit(check::check);
        try {
            return f.get(limit, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return HealthResult.down(check.name(), "did not answer within " + limit + " ms", since(start));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return HealthResult.down(check.name(), "check failed: " + cause, since(start));
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
