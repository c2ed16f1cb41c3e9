package io.dr4j.deploy.docker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.tck.DeployerContractTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Deployer contract on a real Docker engine, with busybox httpd images built for the test. */
@Tag("docker")
@ExtendWith(TestDocker.Extension.class)
class DockerDeployerContractIT extends DeployerContractTest {
    private static TestDocker docker;
    private static DockerDeployer deployer;
    private int port;

    @BeforeAll
    static void engine(TestDocker d) {
        docker = d;
        deployer = d.newDeployer();
    }

    @AfterAll
    static void close() {
        if (deployer != null) {
            deployer.close();
        }
    }

    @Override
    protected Deployer deployer() {
        return deployer;
    }

    @Override
    protected String createService() {
        String name = "dr4j-tck-" + UUID.randomUUID().toString().substring(0, 8);
        port = TestDocker.freePort();
        docker.startService(name, initialImage(), port, Map.of("team", "tck"));
        return name;
    }

    @Override
    protected void removeService(String service) {
        docker.removeService(service);
    }

    @Override
    protected String initialImage() {
        return TestDocker.V1;
    }

    @Override
    protected String healthyImage() {
        return TestDocker.V2;
    }

    @Override
    protected String unhealthyImage() {
        return TestDocker.BAD;
    }

    @Override
    protected boolean runs(String service, String image) {
        return docker.runs(service, image);
    }

    @Override
    protected Duration deadline() {
        return Duration.ofSeconds(30);
    }

    @Override
    protected DeploymentSpec spec(String service, String image) {
        return super.spec(service, image).withHealthGate(List.of(
                HealthChecks.forHttp(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2))));
    }
}
