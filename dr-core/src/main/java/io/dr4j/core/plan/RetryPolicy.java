package io.dr4j.core.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a failed step is tried again and how long to wait in between (exponential backoff, capped).
 *
 * @param maxAttempts    attempts in total, at least 1 (1 = no retry)
 * @param initialBackoff wait before the second attempt
 * @param multiplier     factor applied to the wait after each attempt (1 = constant)
 * @param maxBackoff     the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || multiplier < 1) {
            throw new IllegalArgumentException("Backoffs must be >= 0 and multiplier >= 1");
        }
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO);
    }

    /** {@code attempts} in total, doubling the wait from {@code initialBackoff} up to 10 times it. */
    public static RetryPolicy exponential(int attempts, Duration initialBackoff) {
        return new RetryPolicy(attempts, initialBackoff, 2, initialBackoff.multipliedBy(10));
    }

    /** The wait after attempt number {@code attempt} (1-based) failed. */
    public Duration backoffAfter(int attempt) {
        double ms = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(ms, maxBackoff.toMillis()));
    }
}
