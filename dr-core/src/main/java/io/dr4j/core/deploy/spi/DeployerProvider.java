package io.dr4j.core.deploy.spi;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;

/** Creates {@link Deployer}s; registered in {@code META-INF/services/io.dr4j.core.deploy.spi.DeployerProvider}. */
public interface DeployerProvider {

    /** e.g. {@code "docker"}, {@code "k8s"}. */
    String id();

    /** Maven coordinates of the artifact that ships it. */
    String artifact();

    default int priority() {
        return 0;
    }

    /** Creates a deployer; {@code config} is scoped to {@code dr.deploy.<id>}. */
    Deployer create(ProviderConfig config);
}
