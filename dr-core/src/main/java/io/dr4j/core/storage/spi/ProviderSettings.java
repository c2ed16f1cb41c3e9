package io.dr4j.core.storage.spi;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

/**
 * Applies a provider's {@code dr.storage.<id>.*} settings to its {@link RemoteTargetBuilder}, collecting every
 * problem instead of stopping at the first, so that one {@link ConfigurationException} names them all:
 *
 * <pre>{@code
 * ProviderSettings s = ProviderSettings.of(config, "dr.storage.s3");
 * s.apply(() -> s.config().get("region").ifPresent(b::region));
 * s.apply(() -> s.config().get("part-size").ifPresent(v -> b.partSize(s.size("part-size", v))));
 * return s.done(b);
 * }</pre>
 */
public final class ProviderSettings {
    private final ProviderConfig config;
    private final List<String> problems = new ArrayList<>();

    private ProviderSettings(ProviderConfig config) {
        this.config = config;
    }

    /** The settings under {@code namespace}; {@code config} is the root configuration or already scoped to it. */
    public static ProviderSettings of(ProviderConfig config, String namespace) {
        return new ProviderSettings(config.namespace().equals(namespace) ? config : config.scope(namespace));
    }

    /** The provider's settings (keys relative to its namespace). */
    public ProviderConfig config() {
        return config;
    }

    /** Runs one step of configuration; a {@link ConfigurationException} it throws is kept and the next step runs. */
    public void apply(Runnable step) {
        try {
            step.run();
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
    }

    /**
     * The builder when every step succeeded; else throws one {@link ConfigurationException} with the problems of
     * the steps and then those {@link RemoteTargetBuilder#validate()} finds, each once.
     */
    public <B extends RemoteTargetBuilder<B, ?>> B done(B builder) {
        if (!problems.isEmpty()) {
            List<String> all = new ArrayList<>(problems);
            all.addAll(builder.validate());
            throw new ConfigurationException(all.stream().distinct().toList(), null);
        }
        return builder;
    }

    /** The URL of setting {@code key}; a syntax error names the setting and an {@code example}. */
    public URI url(String key, String value, String example) {
        try {
            return new URI(value.trim());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigurationException(config.namespace() + "." + key + " is not a URL: " + e.getReason()
                    + ". Use e.g. " + example);
        }
    }

    /**
     * A size in bytes with an optional binary unit: {@code 16MiB}, {@code 16MB}, {@code 16m}, {@code 1g},
     * {@code 8388608}; anything else is a problem naming setting {@code key}.
     */
    public long size(String key, String value) {
        String s = value.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long mult = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"kb", "1024"},
            {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigurationException(config.namespace() + "." + key + " must be a size such as 16MiB or "
                    + "8388608, was '" + value + "'", e);
        }
    }
}
