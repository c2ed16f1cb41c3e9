package io.dr4j.core.alert;

import java.time.Duration;
import java.util.Objects;

/**
 * How a channel retries a delivery that failed transiently (connection refused, timeout, HTTP 429 or 5xx):
 * {@code maxAttempts} tries in all, waiting {@code initialBackoff}, then {@code multiplier} times longer each time,
 * at most {@code maxBackoff}. A permanent refusal (HTTP 4xx other than 408/429) is not retried.
 *
 * @param maxAttempts    tries in all, at least 1
 * @param initialBackoff wait before the second try
 * @param maxBackoff     longest wait between two tries
 * @param multiplier     growth of the wait, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    /** 3 tries, waiting 1 s then 2 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
    }

    /** No retry: one try only. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    /** The wait before try number {@code attempt + 1} (attempt counts from 1). */
    public Duration backoff(int attempt) {
        double ms = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(ms, maxBackoff.toMillis()));
    }
}
