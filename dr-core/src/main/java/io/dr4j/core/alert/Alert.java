package io.dr4j.core.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something to tell people about.
 *
 * @param severity how urgent
 * @param title    one line, e.g. "Backup of db-prod failed"
 * @param message  the details, plain text
 * @param source   what raised it, e.g. "backup-monitor"
 * @param dedupKey alerts with the same key are one incident (PagerDuty dedup_key); a resolve uses the same key
 * @param resolved true when this closes the incident named by {@code dedupKey}
 * @param fields   extra facts shown by channels that can (never secrets)
 * @param at       when it happened
 */
public record Alert(Severity severity, String title, String message, String source, String dedupKey,
                    boolean resolved, Map<String, String> fields, Instant at) {
    public Alert {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dedupKey, "dedupKey");
        fields = Map.copyOf(fields);
        Objects.requireNonNull(at, "at");
    }

    public static Alert of(Severity severity, String title, String message, String source) {
        return new Alert(severity, title, message, source, source + ":" + title, false, Map.of(), Instant.now());
    }

    /** The resolve message of this alert's incident. */
    public Alert resolve(String message) {
        return new Alert(severity, title, message, source, dedupKey, true, fields, Instant.now());
    }
}
