package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.Revision;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves that the Deployer kit can fail: runs it (JUnit's EngineTestKit) against deliberately broken deployers and
 * checks that the tests for the broken behaviour fail. The broken subclasses are static nested classes, so
 * neither Surefire nor Jupiter run them on their own.
 */
class DeployerContractKitCanFailTest {

    /** Leaves an unhealthy version running and calls it deployed. */
    static class NoAutoRollback extends InMemoryDeployerContractTest {
        @Override
        InMemoryDeployer newDeployer() {
            return new InMemoryDeployer() {
                @Override
                boolean rollsBackUnhealthy() {
                    return false;
                }
            };
        }
    }

    /** Rolls back for real when asked for a dry run. */
    static class DryRunChanges extends InMemoryDeployerContractTest {
        @Override
        InMemoryDeployer newDeployer() {
            return new InMemoryDeployer() {
                @Override
                boolean honoursDryRun() {
                    return false;
                }
            };
        }
    }

    /** Answers an empty history for a service it does not know instead of failing. */
    static class SilentUnknownService extends InMemoryDeployerContractTest {
        @Override
        InMemoryDeployer newDeployer() {
            return new InMemoryDeployer() {
                @Override
                public List<Revision> history(String service) {
                    try {
                        return super.history(service);
                    } catch (DeploymentException e) {
                        return List.of();
                    }
                }
            };
        }
    }

    @Test
    @DisplayName("a deployer that does not roll back an unhealthy version fails 'failed deploy rolls back'")
    void noAutoRollback() {
        assertThat(failed(NoAutoRollback.class)).containsExactly("failedDeployRollsBack");
    }

    @Test
    @DisplayName("a deployer whose dry run changes things fails the dry-run test")
    void dryRunChanges() {
        assertThat(failed(DryRunChanges.class)).containsExactly("dryRunRollback");
    }

    @Test
    @DisplayName("a deployer that answers for unknown services fails the unknown-service test")
    void silentUnknown() {
        assertThat(failed(SilentUnknownService.class)).containsExactly("unknownService");
    }

    private static List<String> failed(Class<?> kit) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute()
                .testEvents().failed().stream()
                .map(Event::getTestDescriptor)
                .map(d -> d.getLegacyReportingName().replace("()", ""))
                .sorted().toList();
    }
}
