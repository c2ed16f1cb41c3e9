package io.dr4j.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;

/** The repository key from an environment variable (base64 of 32 bytes). */
final class EnvironmentKeyProvider implements KeyProvider {
    private final String name;
    private final Map<String, String> env;

    EnvironmentKeyProvider(String name, Map<String, String> env) {
        this.name = Objects.requireNonNull(name, "name");
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public String describe() {
        return "environment variable " + name;
    }

    @Override
    public byte[] keyMaterial() {
        String v = env.get(name);
        if (v == null) {
            throw new ConfigurationException("The repository key is expected in the environment variable " + name
                    + ", which is not set. " + KeyMaterial.HINT);
        }
        return KeyMaterial.decode(v.getBytes(StandardCharsets.UTF_8), describe());
    }

    @Override
    public String toString() {
        return "KeyProvider[" + describe() + "]";
    }
}
