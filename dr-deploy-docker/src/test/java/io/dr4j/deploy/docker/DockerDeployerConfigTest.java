package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

import org.junit.jupiter.api.Test;

class DockerDeployerConfigTest {

    @Test
    void readsScopedKeys() {
        ProviderConfig c = ProviderConfig.of(Map.of("dr.deploy.docker.host", "unix:///run/d.sock",
                "dr.deploy.docker.stop-timeout", "30s", "dr.deploy.docker.keep-previous", "5",
                "dr.deploy.docker.pull", "never", "dr.deploy.docker.min-ready", "3s"));

        DockerDeployerConfig cfg = DockerDeployerConfig.from(c.scope("dr.deploy.docker"));

        assertThat(cfg.host()).isEqualTo("unix:///run/d.sock");
        assertThat(cfg.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.keepPrevious()).isEqualTo(5);
        assertThat(cfg.pull()).isEqualTo(DockerDeployerConfig.PullPolicy.NEVER);
        assertThat(cfg.minReady()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cfg.historyLimit()).isEqualTo(10);
    }

    @Test
    void deploymentOptionsOverlay() {
        DockerDeployerConfig cfg = DockerDeployerConfig.defaults()
                .overlay(Map.of("stop-timeout", "1s", "pull", "never", "dry-run", "true"));

        assertThat(cfg.stopTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(cfg.pull()).isEqualTo(DockerDeployerConfig.PullPolicy.NEVER);
        assertThat(cfg.keepPrevious()).isEqualTo(DockerDeployerConfig.defaults().keepPrevious());
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> DockerDeployerConfig.from(ProviderConfig.of(Map.of("dr.deploy.docker.pull",
                "sometimes")).scope("dr.deploy.docker"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.deploy.docker.pull").hasMessageContaining("sometimes");
        assertThatThrownBy(() -> DockerDeployerConfig.defaults().withKeepPrevious(-1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keep-previous");
    }
}
