package io.dr4j.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;

/** A minimal correct Deployer for the kit's self-test; images containing "bad" never become healthy. */
class InMemoryDeployer implements Deployer {
    final Map<String, List<Revision>> services = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public DeploymentResult deploy(DeploymentSpec spec) {
        List<Revision> h = get(spec.service());
        Revision from = h.get(h.size() - 1);
        if (spec.image().contains("bad") && rollsBackUnhealthy()) {
            return new DeploymentResult(spec.service(), Outcome.ROLLED_BACK, from, from, "unhealthy",
                    Map.of("health", Duration.ofMillis(1), "rollback", Duration.ofMillis(1)), Duration.ofMillis(2));
        }
        Revision to = push(h, spec.image(), spec.changeCause());
        return new DeploymentResult(spec.service(), Outcome.DEPLOYED, from, to, "deployed",
                Map.of("deploy", Duration.ofMillis(1)), Duration.ofMillis(1));
    }

    @Override
    public List<Revision> history(String service) {
        return List.copyOf(get(service));
    }

    @Override
    public DeploymentResult rollback(String service, RollbackRequest request) {
        List<Revision> h = get(service);
        Revision from = h.get(h.size() - 1);
        if (h.size() < 2) {
            throw new DeploymentException("service " + service + " has no earlier revision");
        }
        Revision target = request.toRevision() == 0 ? h.get(h.size() - 2) : h.stream()
                .filter(r -> r.number() == request.toRevision()).findFirst()
                .orElseThrow(() -> new DeploymentException("no revision " + request.toRevision()));
        if (request.dryRun() && honoursDryRun()) {
            return new DeploymentResult(service, Outcome.DRY_RUN, from, target, "would roll back", Map.of(),
                    Duration.ZERO);
        }
        h.remove(target);
        Revision to = push(h, target.image(), "rollback to " + target.number());
        return new DeploymentResult(service, Outcome.ROLLBACK_COMPLETED, from, to, "rolled back", Map.of(),
                Duration.ofMillis(1));
    }

    boolean rollsBackUnhealthy() {
        return true;
    }

    boolean honoursDryRun() {
        return true;
    }

    List<Revision> get(String service) {
        List<Revision> h = services.get(service);
        if (h == null) {
            throw new DeploymentException("unknown service " + service);
        }
        return h;
    }

    private static Revision push(List<Revision> h, String image, String cause) {
        long next = h.stream().mapToLong(Revision::number).max().orElse(0) + 1;
        Revision last = h.remove(h.size() - 1);
        h.add(new Revision(last.number(), last.image(), last.createdAt(), last.changeCause(), false, Map.of()));
        Revision to = new Revision(next, image, Instant.now(), cause, true, Map.of());
        h.add(to);
        return to;
    }
}
