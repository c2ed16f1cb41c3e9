package io.dr4j.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;

/** The Deployer kit on a minimal in-memory reference deployer: shows the kit passes on a correct implementation. */
class InMemoryDeployerContractTest extends DeployerContractTest {
    private final InMemoryDeployer deployer = new InMemoryDeployer();

    @Override
    protected Deployer deployer() {
        return deployer;
    }

    @Override
    protected String createService() {
        String s = "svc-" + UUID.randomUUID();
        deployer.services.put(s, new ArrayList<>(List.of(new Revision(1, initialImage(), Instant.now(), null, true,
                Map.of()))));
        return s;
    }

    @Override
    protected void removeService(String service) {
        deployer.services.remove(service);
    }

    @Override
    protected String initialImage() {
        return "app:1";
    }

    @Override
    protected String healthyImage() {
        return "app:2";
    }

    @Override
    protected String unhealthyImage() {
        return "app:bad";
    }

    @Override
    protected boolean runs(String service, String image) {
        List<Revision> h = deployer.services.get(service);
        return h != null && h.get(h.size() - 1).image().equals(image);
    }

    /** Images containing "bad" never become healthy. */
    static final class InMemoryDeployer implements Deployer {
        final Map<String, List<Revision>> services = new ConcurrentHashMap<>();

        @Override
        public String id() {
            return "memory";
        }

        @Override
        public DeploymentResult deploy(DeploymentSpec spec) {
            List<Revision> h = get(spec.service());
            Revision from = h.get(h.size() - 1);
            if (spec.image().contains("bad")) {
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
            if (request.dryRun()) {
                return new DeploymentResult(service, Outcome.DRY_RUN, from, target, "would roll back", Map.of(),
                        Duration.ZERO);
            }
            h.remove(target);
            Revision to = push(h, target.image(), "rollback to " + target.number());
            return new DeploymentResult(service, Outcome.ROLLBACK_COMPLETED, from, to, "rolled back", Map.of(),
                    Duration.ofMillis(1));
        }

        private List<Revision> get(String service) {
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
}
