package io.dr4j.core.plan;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a step produced: a sentence for the timeline, values later steps read through
 * {@link StepContext#output(String, String)} (and which are persisted for resume, so never secrets), and, for
 * restore steps, the point in time the data was recovered to (the RPO is measured from it).
 *
 * @param message     one human sentence
 * @param values      named values (strings, so they survive the JSON state file)
 * @param recoveredTo the newest point in time the recovered data contains, when the step recovered data
 */
public record StepOutput(String message, Map<String, String> values, @Nullable Instant recoveredTo) {
    public StepOutput {
        Objects.requireNonNull(message, "message");
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static StepOutput of(String message) {
        return new StepOutput(message, Map.of(), null);
    }

    public static StepOutput of(String message, Map<String, String> values) {
        return new StepOutput(message, values, null);
    }

    public StepOutput withRecoveredTo(@Nullable Instant t) {
        return new StepOutput(message, values, t);
    }

    public StepOutput with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new StepOutput(message, m, recoveredTo);
    }
}
