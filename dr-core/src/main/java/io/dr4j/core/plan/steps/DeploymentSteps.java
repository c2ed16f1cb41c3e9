package io.dr4j.core.plan.steps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.StepOutput;

/** Step actions over a {@link Deployer}: identify the running revision, deploy, roll back. */
public final class DeploymentSteps {
    private DeploymentSteps() {
    }

    /**
     * Identifies the problematic deployment: the current revision and the one before it. Fails (permanently) when
     * there is nothing to roll back to. Outputs {@code currentRevision}, {@code currentImage},
     * {@code previousRevision}, {@code previousImage}.
     */
    public static StepAction identify(Deployer deployer, Function<StepContext, String> service) {
        Objects.requireNonNull(deployer, "deployer");
        return ctx -> {
            String svc = service.apply(ctx);
            List<Revision> history = deployer.history(svc);
            Revision current = history.stream().filter(Revision::current).reduce((a, b) -> b)
                    .orElseThrow(() -> StepFailedException.permanent("Service " + svc + " has no current revision in "
                            + deployer.id() + " (history: " + history.size() + " revisions). Is the service deployed?"));
            Revision previous = history.stream().filter(r -> r.number() < current.number())
                    .reduce((a, b) -> b).orElseThrow(() -> StepFailedException.permanent("Service " + svc
                            + " has no revision before " + current.number() + " (" + current.image()
                            + "): nothing to roll back to. Deploy a known good image instead"));
            Map<String, String> v = new LinkedHashMap<>();
            v.put("service", svc);
            v.put("currentRevision", Long.toString(current.number()));
            v.put("currentImage", current.image());
            v.put("previousRevision", Long.toString(previous.number()));
            v.put("previousImage", previous.image());
            return StepOutput.of(svc + " runs revision " + current.number() + " (" + current.image()
                    + "); previous is " + previous.number() + " (" + previous.image() + ")", v);
        };
    }

    /** Rolls {@code service} back to the revision an earlier identify step found (or the previous one). */
    public static StepAction rollback(Deployer deployer, Function<StepContext, String> service,
                                      Function<StepContext, RollbackRequest> request) {
        Objects.requireNonNull(deployer, "deployer");
        return ctx -> {
            String svc = service.apply(ctx);
            DeploymentResult r = deployer.rollback(svc, request.apply(ctx));
            return outcome(deployer, r, "rollback of " + svc);
        };
    }

    /** Deploys a spec computed when the step runs; fails unless the new version runs healthy. */
    public static StepAction deploy(Deployer deployer, Function<StepContext, DeploymentSpec> spec) {
        Objects.requireNonNull(deployer, "deployer");
        return ctx -> {
            DeploymentSpec s = spec.apply(ctx);
            ctx.progress("deploying " + s.image() + " to " + s.service() + " with " + deployer.id());
            return outcome(deployer, deployer.deploy(s), "deploy of " + s.image() + " to " + s.service());
        };
    }

    private static StepOutput outcome(Deployer deployer, DeploymentResult r, String what) {
        if (!r.isSuccess()) {
            throw new StepFailedException(what + " with " + deployer.id() + " ended " + r.outcome() + ": " + r.message(),
                    r.outcome() == DeploymentResult.Outcome.FAILED, null);
        }
        Map<String, String> v = new LinkedHashMap<>();
        v.put("service", r.service());
        v.put("outcome", r.outcome().name());
        if (r.fromRevision() != null) {
            v.put("fromRevision", Long.toString(r.fromRevision().number()));
            v.put("fromImage", r.fromRevision().image());
        }
        if (r.toRevision() != null) {
            v.put("toRevision", Long.toString(r.toRevision().number()));
            v.put("toImage", r.toRevision().image());
        }
        return StepOutput.of(what + ": " + r.outcome() + " — " + r.message(), v);
    }
}
