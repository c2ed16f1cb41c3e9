package io.dr4j.core.plan.steps;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Restores a database with a {@link RestoreStrategy} from a {@link Repository}: the backup chosen by an earlier step
 * (its output {@code backupId}) or by the strategy, to a {@link RecoveryTarget}, into a destination. Reports the
 * point the data was recovered to (the RPO is measured from it).
 */
public final class RestoreDatabase implements StepAction {
    private final RestoreStrategy strategy;
    private final Repository repository;
    private final Function<StepContext, Path> destination;
    private final Function<StepContext, RecoveryTarget> target;
    private final @Nullable String backupFromStep;
    private final Map<String, String> options;
    private final boolean start;

    private RestoreDatabase(Builder b) {
        this.strategy = Objects.requireNonNull(b.strategy, "strategy");
        this.repository = Objects.requireNonNull(b.repository, "repository");
        this.destination = Objects.requireNonNull(b.destination, "destination");
        this.target = b.target;
        this.backupFromStep = b.backupFromStep;
        this.options = Map.copyOf(b.options);
        this.start = b.start;
    }

    public static Builder builder(RestoreStrategy strategy, Repository repository) {
        return new Builder(strategy, repository);
    }

    @Override
    public StepOutput execute(StepContext ctx) {
        String backupId = backupFromStep == null ? null : ctx.output(backupFromStep, "backupId");
        RecoveryTarget t = target.apply(ctx);
        Path dest = destination.apply(ctx);
        RestoreRequest request = RestoreRequest.to(dest).withBackup(backupId).withTarget(t).withStart(start)
                .withOptions(options).withProgress(ctx.progressListener());
        ctx.progress("restoring " + (backupId == null ? "the newest suitable backup" : "backup " + backupId) + " to "
                + dest + " with " + strategy.id());
        RestoreResult r = strategy.restore(repository, request);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("backupId", r.backupId());
        values.put("destination", r.destination().toString());
        values.put("strategy", strategy.id());
        values.put("bytesRestored", Long.toString(r.bytesRestored()));
        values.put("filesRestored", Long.toString(r.filesRestored()));
        if (r.recoveredToLsn() != null) {
            values.put("recoveredToLsn", r.recoveredToLsn());
        }
        if (r.timeline() != null) {
            values.put("timeline", r.timeline());
        }
        r.details().forEach((k, v) -> values.putIfAbsent("detail." + k, v));
        return new StepOutput("restored backup " + r.backupId() + " to " + r.destination()
                + (r.recoveredToTime() == null ? "" : ", data as of " + r.recoveredToTime()), values, r.recoveredToTime());
    }

    /** Configures the restore. */
    public static final class Builder {
        private final RestoreStrategy strategy;
        private final Repository repository;
        private @Nullable Function<StepContext, Path> destination;
        private Function<StepContext, RecoveryTarget> target = ctx -> RecoveryTarget.latest();
        private @Nullable String backupFromStep;
        private final Map<String, String> options = new LinkedHashMap<>();
        private boolean start = true;

        private Builder(RestoreStrategy strategy, Repository repository) {
            this.strategy = strategy;
            this.repository = repository;
        }

        /** The directory to restore into, computed when the step runs (e.g. a fresh one per run). */
        public Builder destination(Function<StepContext, Path> d) {
            this.destination = Objects.requireNonNull(d, "destination");
            return this;
        }

        public Builder destination(Path d) {
            Objects.requireNonNull(d, "destination");
            return destination(ctx -> d);
        }

        /** Where recovery stops, computed when the step runs (default: latest). */
        public Builder target(Function<StepContext, RecoveryTarget> t) {
            this.target = Objects.requireNonNull(t, "target");
            return this;
        }

        /** Restore the backup named by the output value {@code backupId} of that step. */
        public Builder backupFromStep(String stepId) {
            this.backupFromStep = Objects.requireNonNull(stepId, "stepId");
            return this;
        }

        public Builder options(Map<String, String> o) {
            options.putAll(o);
            return this;
        }

        /** Start the restored server and wait for the end of recovery (default true). */
        public Builder start(boolean s) {
            this.start = s;
            return this;
        }

        public RestoreDatabase build() {
            return new RestoreDatabase(this);
        }
    }
}
