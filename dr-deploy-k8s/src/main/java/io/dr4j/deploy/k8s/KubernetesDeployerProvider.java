package io.dr4j.deploy.k8s;

import java.nio.file.Path;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.spi.DeployerProvider;

/**
 * Registers {@link KubernetesDeployer} as {@code k8s}. Keys under {@code dr.deploy.k8s}: {@code kubeconfig} (path),
 * {@code context}, {@code namespace}, {@code in-cluster} (true/false), {@code poll-interval} (e.g. 1s).
 */
public final class KubernetesDeployerProvider implements DeployerProvider {

    @Override
    public String id() {
        return "k8s";
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-deploy-k8s";
    }

    @Override
    public Deployer create(ProviderConfig config) {
        KubernetesDeployer.Builder b = KubernetesDeployer.builder()
                .context(config.get("context").orElse(null))
                .namespace(config.get("namespace").orElse(null))
                .inCluster(config.getBoolean("in-cluster", false))
                .pollInterval(config.getDuration("poll-interval", java.time.Duration.ofSeconds(1)));
        config.get("kubeconfig").ifPresent(p -> b.kubeconfig(Path.of(p)));
        return b.build();
    }
}
