package io.dr4j.tck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.Revision;

/** The Deployer kit on a minimal in-memory reference deployer: shows the kit passes on a correct implementation. */
class InMemoryDeployerContractTest extends DeployerContractTest {
    final InMemoryDeployer deployer = newDeployer();

    InMemoryDeployer newDeployer() {
        return new InMemoryDeployer();
    }

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
}
