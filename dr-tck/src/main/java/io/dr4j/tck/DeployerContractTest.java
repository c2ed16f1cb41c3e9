package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Deployer} keeps: deploy, history, rollback, automatic rollback of an unhealthy
 * version, and clear errors for bad requests. A subclass supplies a deployer, a fresh service per test running
 * {@link #initialImage()}, two more images (one healthy, one that never becomes healthy), and a way to ask the
 * platform itself — not the deployer — what the service runs.
 *
 * <pre>{@code
 * class DockerDeployerContractIT extends DeployerContractTest {
 *     protected Deployer deployer() { return deployer; }
 *     protected String createService() { ...start a container running initialImage()...; return name; }
 *     ...
 * }
 * }</pre>
 */
public abstract class DeployerContractTest {

    /** The service of the current test, created by {@link #createService()}. */
    protected String service = "";

    /** The deployer under test; the subclass owns and closes it. */
    protected abstract Deployer deployer();

    /** Creates a fresh service that runs {@link #initialImage()} and has no deployment history yet. */
    protected abstract String createService();

    /** Removes everything {@link #createService()} and the deployments of the test created. */
    protected abstract void removeService(String service);

    /** The image the service starts with (revision 1). */
    protected abstract String initialImage();

    /** A second image that becomes healthy. */
    protected abstract String healthyImage();

    /** An image that starts but never becomes healthy. */
    protected abstract String unhealthyImage();

    /** Whether the platform itself (not the deployer's records) runs {@code image} for {@code service} now. */
    protected abstract boolean runs(String service, String image);

    /** How long a new version may take to become healthy in these tests. */
    protected Duration deadline() {
        return Duration.ofSeconds(60);
    }

    /** The spec used to deploy; override to add a health gate or options. */
    protected DeploymentSpec spec(String service, String image) {
        return DeploymentSpec.of(service, image).withDeadline(deadline()).withChangeCause("tck " + image);
    }

    /** Whether a revision records {@code image} (exactly, or pinned to a digest: {@code image@sha256:...}). */
    protected boolean sameImage(Revision revision, String image) {
        return revision.image().equals(image) || revision.image().startsWith(image + "@");
    }

    @BeforeEach
    void createTheService() {
        service = createService();
    }

    @AfterEach
    void removeTheService() {
        if (!service.isEmpty()) {
            removeService(service);
        }
    }

    @Test
    @DisplayName("a healthy version is deployed, reported with its phases, and runs afterwards")
    void deploysHealthyVersion() {
        DeploymentResult r = deployer().deploy(spec(service, healthyImage()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.DEPLOYED);
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.service()).isEqualTo(service);
        assertThat(r.fromRevision()).isNotNull();
        assertThat(r.toRevision()).isNotNull();
        assertThat(sameImage(r.fromRevision(), initialImage())).as(r.fromRevision().image()).isTrue();
        assertThat(sameImage(r.toRevision(), healthyImage())).as(r.toRevision().image()).isTrue();
        assertThat(r.toRevision().number()).isGreaterThan(r.fromRevision().number());
        assertThat(r.phases()).as("per-phase durations").isNotEmpty();
        assertThat(r.total()).isPositive();
        assertThat(runs(service, healthyImage())).as("the platform runs the new image").isTrue();
    }

    @Test
    @DisplayName("history lists revisions oldest first with increasing numbers and only the last one current")
    void historyIsOrdered() {
        assertThat(deployer().history(service)).hasSize(1).allMatch(Revision::current);
        deployer().deploy(spec(service, healthyImage()));

        List<Revision> h = deployer().history(service);

        assertThat(h).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < h.size(); i++) {
            assertThat(h.get(i).number()).isGreaterThan(h.get(i - 1).number());
        }
        assertThat(h).filteredOn(Revision::current).containsExactly(h.get(h.size() - 1));
        assertThat(sameImage(h.get(h.size() - 1), healthyImage())).isTrue();
        assertThat(sameImage(h.get(h.size() - 2), initialImage())).isTrue();
        assertThat(h.get(h.size() - 1).changeCause()).isEqualTo("tck " + healthyImage());
    }

    @Test
    @DisplayName("rollback returns to the previous revision's image")
    void rollbackToPrevious() {
        deployer().deploy(spec(service, healthyImage()));

        DeploymentResult r = deployer().rollback(service, RollbackRequest.toPrevious().withDeadline(deadline()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
        assertThat(r.isSuccess()).isTrue();
        assertThat(sameImage(r.toRevision(), initialImage())).isTrue();
        assertThat(runs(service, initialImage())).as("the platform runs the previous image again").isTrue();
        Revision current = currentRevision();
        assertThat(sameImage(current, initialImage())).isTrue();
    }

    @Test
    @DisplayName("rollback to a given revision number runs that revision's image")
    void rollbackToRevision() {
        long first = currentRevision().number();
        deployer().deploy(spec(service, healthyImage()));

        DeploymentResult r = deployer().rollback(service, RollbackRequest.toRevision(first).withDeadline(deadline()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
        assertThat(runs(service, initialImage())).isTrue();
    }

    @Test
    @DisplayName("an unhealthy version is rolled back automatically and the previous version runs again")
    void failedDeployRollsBack() {
        DeploymentResult r = deployer().deploy(spec(service, unhealthyImage()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.toRevision()).isNotNull();
        assertThat(sameImage(r.toRevision(), initialImage())).as(r.toRevision().image()).isTrue();
        assertThat(runs(service, initialImage())).as("the platform runs the previous image again").isTrue();
        assertThat(runs(service, unhealthyImage())).isFalse();
        assertThat(sameImage(currentRevision(), initialImage())).isTrue();
    }

    @Test
    @DisplayName("a rollback without an earlier revision fails with DeploymentException and changes nothing")
    void rollbackWithoutHistory() {
        assertThatThrownBy(() -> deployer().rollback(service))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining(service);
        assertThat(runs(service, initialImage())).isTrue();
        assertThat(deployer().history(service)).hasSize(1);
    }

    @Test
    @DisplayName("a rollback to a revision that does not exist fails with DeploymentException naming it")
    void rollbackToUnknownRevision() {
        deployer().deploy(spec(service, healthyImage()));

        assertThatThrownBy(() -> deployer().rollback(service, RollbackRequest.toRevision(9_999)))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("9999");
        assertThat(runs(service, healthyImage())).isTrue();
    }

    @Test
    @DisplayName("a dry-run rollback says what would change and changes nothing")
    void dryRunRollback() {
        deployer().deploy(spec(service, healthyImage()));
        List<Revision> before = deployer().history(service);

        DeploymentResult r = deployer().rollback(service, RollbackRequest.toPrevious().asDryRun());

        assertThat(r.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(r.message()).isNotBlank();
        assertThat(runs(service, healthyImage())).isTrue();
        assertThat(deployer().history(service)).isEqualTo(before);
    }

    @Test
    @DisplayName("an unknown service is a DeploymentException naming it, for deploy, history and rollback")
    void unknownService() {
        String unknown = "dr4j-no-such-service-" + UUID.randomUUID().toString().substring(0, 8);

        assertThatThrownBy(() -> deployer().deploy(spec(unknown, healthyImage())))
                .isInstanceOf(DeploymentException.class).hasMessageContaining(unknown);
        assertThatThrownBy(() -> deployer().history(unknown))
                .isInstanceOf(DeploymentException.class).hasMessageContaining(unknown);
        assertThatThrownBy(() -> deployer().rollback(unknown))
                .isInstanceOf(DeploymentException.class).hasMessageContaining(unknown);
    }

    private Revision currentRevision() {
        List<Revision> h = deployer().history(service);
        assertThat(h).filteredOn(Revision::current).hasSize(1);
        return h.stream().filter(Revision::current).findFirst().orElseThrow();
    }
}
