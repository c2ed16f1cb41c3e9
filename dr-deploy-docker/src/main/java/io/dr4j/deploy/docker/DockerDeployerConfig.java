package io.dr4j.deploy.docker;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link DockerDeployer}. Keys under {@code dr.deploy.docker} (or {@code DR_DEPLOY_DOCKER_*}); the same
 * keys without the prefix may be given per deployment in {@link io.dr4j.core.deploy.DeploymentSpec#options()}.
 *
 * @param host          the engine's address, e.g. {@code unix:///var/run/docker.sock}; null means {@code DOCKER_HOST}
 *                      or the platform default (key {@code host})
 * @param stopTimeout   how long a container gets to stop after SIGTERM before it is killed (key {@code stop-timeout})
 * @param keepPrevious  how many replaced containers stay on the engine, stopped and renamed
 *                      {@code <name>.dr4j-r<revision>} (key {@code keep-previous}); they keep their images from being
 *                      pruned and can be started by hand when dr4j itself is unavailable
 * @param historyLimit  how many revisions the history label keeps (key {@code history-limit})
 * @param minReady      how long a container without HEALTHCHECK and without health gate must stay running to count
 *                      as healthy (key {@code min-ready})
 * @param pollInterval  how often health is polled while waiting (key {@code poll-interval})
 * @param pull          pull an image that is not on the engine ({@code missing}, the default) or never
 *                      ({@code never}) (key {@code pull})
 */
public record DockerDeployerConfig(@Nullable String host, Duration stopTimeout, int keepPrevious, int historyLimit,
                                   Duration minReady, Duration pollInterval, PullPolicy pull) {

    /** When to pull an image the engine does not have. */
    public enum PullPolicy { MISSING, NEVER }

    public DockerDeployerConfig {
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(minReady, "minReady");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(pull, "pull");
        if (keepPrevious < 0) {
            throw new ConfigurationException("dr.deploy.docker.keep-previous must be >= 0, was " + keepPrevious);
        }
        if (historyLimit < 2) {
            throw new ConfigurationException("dr.deploy.docker.history-limit must be >= 2, was " + historyLimit);
        }
    }

    public static DockerDeployerConfig defaults() {
        return new DockerDeployerConfig(null, Duration.ofSeconds(10), 2, 10, Duration.ofSeconds(2),
                Duration.ofMillis(250), PullPolicy.MISSING);
    }

    /** Reads a configuration scoped to {@code dr.deploy.docker}. */
    public static DockerDeployerConfig from(ProviderConfig config) {
        DockerDeployerConfig d = defaults();
        return new DockerDeployerConfig(config.get("host").orElse(null),
                config.getDuration("stop-timeout", d.stopTimeout()),
                config.getInt("keep-previous", d.keepPrevious()),
                config.getInt("history-limit", d.historyLimit()),
                config.getDuration("min-ready", d.minReady()),
                config.getDuration("poll-interval", d.pollInterval()),
                parsePull(config.get("pull").orElse("missing")));
    }

    /** This configuration overlaid with a deployment's options (same keys, no prefix). */
    DockerDeployerConfig overlay(Map<String, String> options) {
        if (options.isEmpty()) {
            return this;
        }
        ProviderConfig o = ProviderConfig.of(options);
        return new DockerDeployerConfig(host, o.getDuration("stop-timeout", stopTimeout),
                o.getInt("keep-previous", keepPrevious), o.getInt("history-limit", historyLimit),
                o.getDuration("min-ready", minReady), o.getDuration("poll-interval", pollInterval),
                o.get("pull").map(DockerDeployerConfig::parsePull).orElse(pull));
    }

    public DockerDeployerConfig withHost(@Nullable String h) {
        return new DockerDeployerConfig(h, stopTimeout, keepPrevious, historyLimit, minReady, pollInterval, pull);
    }

    public DockerDeployerConfig withStopTimeout(Duration d) {
        return new DockerDeployerConfig(host, d, keepPrevious, historyLimit, minReady, pollInterval, pull);
    }

    public DockerDeployerConfig withKeepPrevious(int n) {
        return new DockerDeployerConfig(host, stopTimeout, n, historyLimit, minReady, pollInterval, pull);
    }

    public DockerDeployerConfig withMinReady(Duration d) {
        return new DockerDeployerConfig(host, stopTimeout, keepPrevious, historyLimit, d, pollInterval, pull);
    }

    public DockerDeployerConfig withPull(PullPolicy p) {
        return new DockerDeployerConfig(host, stopTimeout, keepPrevious, historyLimit, minReady, pollInterval, p);
    }

    private static PullPolicy parsePull(String v) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "missing", "if-missing", "ifnotpresent" -> PullPolicy.MISSING;
            case "never" -> PullPolicy.NEVER;
            default -> throw new ConfigurationException("dr.deploy.docker.pull must be 'missing' or 'never', was '"
                    + v + "'");
        };
    }
}
