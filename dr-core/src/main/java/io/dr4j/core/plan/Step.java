package io.dr4j.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link RecoveryPlan}: an id, what it does (for the runbook), the steps it depends on, a timeout
 * (covering all attempts), retries with backoff, an optional compensation and the action itself. Immutable.
 */
public final class Step {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final String id;
    private final String title;
    private final String description;
    private final StepKind kind;
    private final List<String> dependsOn;
    private final Duration timeout;
    private final Duration expectedDuration;
    private final RetryPolicy retry;
    private final StepAction action;
    private final @Nullable Compensation compensation;
    private final @Nullable String compensationDescription;
    private final @Nullable String role;
    private final List<String> instructions;

    private Step(Builder b) {
        this.id = b.id;
        this.title = b.title == null ? b.id : b.title;
        this.description = b.description == null ? "" : b.description;
        this.kind = b.kind;
        this.dependsOn = List.copyOf(b.dependsOn);
        this.timeout = b.timeout;
        this.expectedDuration = b.expectedDuration == null ? b.timeout : b.expectedDuration;
        this.retry = b.retry;
        this.action = Objects.requireNonNull(b.action, () -> "step '" + b.id + "' has no action");
        this.compensation = b.compensation;
        this.compensationDescription = b.compensationDescription;
        this.role = b.role;
        this.instructions = List.copyOf(b.instructions);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A builder holding this step's settings, to derive a variant (e.g. a shorter timeout in a drill). */
    public Builder toBuilder() {
        Builder b = new Builder(id).title(title).description(description).kind(kind).timeout(timeout)
                .expectedDuration(expectedDuration).retry(retry).action(action).instructions(instructions);
        b.dependsOn.addAll(dependsOn);
        b.compensation = compensation;
        b.compensationDescription = compensationDescription;
        b.role = role;
        return b;
    }

    public String id() {
        return id;
    }

    /** A short imperative title, e.g. "Stop the application". */
    public String title() {
        return title;
    }

    /** What the step does and why, one paragraph (goes into the runbook). */
    public String description() {
        return description;
    }

    public StepKind kind() {
        return kind;
    }

    public List<String> dependsOn() {
        return dependsOn;
    }

    /** The most the step may take, all attempts and backoffs included. */
    public Duration timeout() {
        return timeout;
    }

    /** The usual duration, for the dry run and the runbook. */
    public Duration expectedDuration() {
        return expectedDuration;
    }

    public RetryPolicy retry() {
        return retry;
    }

    public StepAction action() {
        return action;
    }

    public Optional<Compensation> compensation() {
        return Optional.ofNullable(compensation);
    }

    public Optional<String> compensationDescription() {
        return Optional.ofNullable(compensationDescription);
    }

    /** Who carries the step out or owns it, e.g. "Database Administrator". */
    public Optional<String> role() {
        return Optional.ofNullable(role);
    }

    /** What a person does by hand when the automation is unavailable (runbook text, one line each). */
    public List<String> instructions() {
        return instructions;
    }

    @Override
    public String toString() {
        return "Step[" + id + ", " + kind + "]";
    }

    static boolean isValidId(String id) {
        return ID.matcher(id).matches();
    }

    /** Builds a step; {@code id} and {@code action} are required. */
    public static final class Builder {
        private final String id;
        private @Nullable String title;
        private @Nullable String description;
        private StepKind kind = StepKind.ACTION;
        private final LinkedHashSet<String> dependsOn = new LinkedHashSet<>();
        private Duration timeout = Duration.ofMinutes(10);
        private @Nullable Duration expectedDuration;
        private RetryPolicy retry = RetryPolicy.none();
        private @Nullable StepAction action;
        private @Nullable Compensation compensation;
        private @Nullable String compensationDescription;
        private @Nullable String role;
        private final List<String> instructions = new ArrayList<>();

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        public Builder title(String t) {
            this.title = Objects.requireNonNull(t, "title");
            return this;
        }

        public Builder description(String d) {
            this.description = Objects.requireNonNull(d, "description");
            return this;
        }

        public Builder kind(StepKind k) {
            this.kind = Objects.requireNonNull(k, "kind");
            return this;
        }

        public Builder dependsOn(String... ids) {
            dependsOn.addAll(List.of(ids));
            return this;
        }

        public Builder timeout(Duration t) {
            if (t.isZero() || t.isNegative()) {
                throw new IllegalArgumentException("Timeout of step '" + id + "' must be positive, was " + t);
            }
            this.timeout = t;
            return this;
        }

        public Builder expectedDuration(Duration d) {
            this.expectedDuration = Objects.requireNonNull(d, "expectedDuration");
            return this;
        }

        public Builder retry(RetryPolicy r) {
            this.retry = Objects.requireNonNull(r, "retry");
            return this;
        }

        public Builder action(StepAction a) {
            this.action = Objects.requireNonNull(a, "action");
            return this;
        }

        /** How to undo the step when a later one fails, and that in words for the runbook. */
        public Builder compensation(String describedAs, Compensation c) {
            this.compensationDescription = Objects.requireNonNull(describedAs, "describedAs");
            this.compensation = Objects.requireNonNull(c, "compensation");
            return this;
        }

        public Builder role(String r) {
            this.role = Objects.requireNonNull(r, "role");
            return this;
        }

        public Builder instructions(List<String> lines) {
            instructions.clear();
            instructions.addAll(lines);
            return this;
        }

        public Builder instruction(String line) {
            instructions.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        public Step build() {
            if (!isValidId(id)) {
                throw new InvalidPlanException(List.of("Invalid step id '" + id + "': use 1-64 lower-case letters, "
                        + "digits and '-', starting with a letter or digit (e.g. restore-database)"));
            }
            if (action == null) {
                throw new InvalidPlanException(List.of("Step '" + id + "' has no action: call action(...)"));
            }
            return new Step(this);
        }
    }
}
