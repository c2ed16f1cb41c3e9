package io.dr4j.core.alert;

import java.io.IOException;
import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The retry loop every channel shares; messages name the channel, never its URL or token. */
final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    /** One try; throws {@link Permanent} for a refusal that a retry cannot fix. */
    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    /** A failure a retry cannot fix (bad credentials, malformed request). */
    static final class Permanent extends Exception {
        private static final long serialVersionUID = 1L;

        Permanent(String message) {
            super(message, null, false, false);
        }
    }

    private Delivery() {
    }

    static void withRetries(String channel, RetryPolicy retry, Alert alert, Attempt attempt) {
        Exception last = null;
        for (int i = 1; i <= retry.maxAttempts(); i++) {
            try {
                attempt.run();
                if (i > 1) {
                    log.info("Alert '{}' delivered to {} on try {}", alert.title(), channel, i);
                }
                return;
            } catch (Permanent p) {
                throw new NotificationException("Channel " + channel + " refused alert '" + alert.title() + "': "
                        + p.getMessage(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotificationException("Delivery of alert '" + alert.title() + "' to " + channel
                        + " was interrupted", null);
            } catch (Exception e) {
                last = e;
                if (i < retry.maxAttempts()) {
                    long wait = retry.backoff(i).toMillis();
                    log.warn("Alert '{}' not delivered to {} (try {} of {}: {}); retrying in {} ms", alert.title(),
                            channel, i, retry.maxAttempts(), describe(e), wait);
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        throw new NotificationException("Alert '" + alert.title() + "' could not be delivered to " + channel
                + " after " + retry.maxAttempts() + " tries: " + describe(last)
                + ". Check that the channel's endpoint is reachable and its credentials are valid", sanitized(last));
    }

    /** The failure's class and message, without anything that could hold a URL or token. */
    static String describe(@Nullable Exception e) {
        if (e == null) {
            return "unknown error";
        }
        if (e instanceof Transient t) {
            return t.getMessage();
        }
        String m = e.getMessage();
        String simple = e.getClass().getSimpleName();
        // JDK network exceptions sometimes carry the request URI; keep only messages that cannot hold one
        if (m == null || m.contains("/") || m.contains("?")) {
            return simple;
        }
        return simple + ": " + m;
    }

    private static @Nullable Throwable sanitized(@Nullable Exception e) {
        if (e == null) {
            return null;
        }
        IOException safe = new IOException(describe(e));
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }

    /** A retryable failure with a safe message (e.g. HTTP 503). */
    static final class Transient extends Exception {
        private static final long serialVersionUID = 1L;

        Transient(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code scheme://host[:port]} only: what may be shown of an endpoint whose path or query holds a token. */
    static String hostOf(URI uri) {
        return uri.getHost() == null ? "?" : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
