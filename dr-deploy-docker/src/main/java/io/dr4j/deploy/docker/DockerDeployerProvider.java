package io.dr4j.deploy.docker;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.spi.DeployerProvider;

/** Registers {@link DockerDeployer} as the {@code docker} deployer; settings are {@link DockerDeployerConfig}'s. */
public final class DockerDeployerProvider implements DeployerProvider {

    @Override
    public String id() {
        return "docker";
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-deploy-docker";
    }

    @Override
    public Deployer create(ProviderConfig config) {
        return DockerDeployer.create(DockerDeployerConfig.from(config));
    }
}
