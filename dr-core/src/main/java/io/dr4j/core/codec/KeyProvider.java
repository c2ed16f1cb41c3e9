package io.dr4j.core.codec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;

/**
 * Supplies the repository's key-encryption key (KEK): 32 random bytes, usually written as base64
 * ({@code openssl rand -base64 32}). The KEK never encrypts data: it wraps the repository's data keyset (envelope
 * encryption, see {@link EnvelopeEncryption}), so changing it re-wraps one small keyset and rewrites no data.
 *
 * <p>Implementations never show key material in {@code toString()}, logs or exception messages;
 * {@link #describe()} names only the source.
 */
public interface KeyProvider {

    /** Where the key comes from, e.g. {@code "environment variable DR_REPOSITORY_KEY"}; never key material. */
    String describe();

    /**
     * The key material, freshly read. The caller wipes the array after use.
     *
     * @throws ConfigurationException when the key is missing or malformed (the message names the source, not the key)
     */
    byte[] keyMaterial();

    /** The key in the environment variable {@code name} (base64 of 32 bytes). */
    static KeyProvider fromEnvironment(String name) {
        return new EnvironmentKeyProvider(name, System.getenv());
    }

    /** The key in {@code name} of {@code env} (tests pass their own map). */
    static KeyProvider fromEnvironment(String name, Map<String, String> env) {
        return new EnvironmentKeyProvider(name, env);
    }

    /** The key in a file: base64 text of 32 bytes, or exactly 32 raw bytes. */
    static KeyProvider fromFile(Path file) {
        return new FileKeyProvider(file);
    }

    /** An explicit key (base64 of 32 bytes), e.g. from a secret manager. */
    static KeyProvider of(Secret base64Key, String description) {
        Objects.requireNonNull(base64Key, "base64Key");
        Objects.requireNonNull(description, "description");
        return new KeyProvider() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public byte[] keyMaterial() {
                return KeyMaterial.decode(base64Key.revealBytes(), description);
            }

            @Override
            public String toString() {
                return "KeyProvider[" + description + "]";
            }
        };
    }

    /**
     * The repository key from configuration: {@code dr.repository.key-file} (a path) wins over
     * {@code dr.repository.key} (base64, e.g. the environment variable {@code DR_REPOSITORY_KEY}).
     *
     * @return the provider, or null when neither is set (unencrypted repository)
     */
    static @org.jspecify.annotations.Nullable KeyProvider fromConfig(ProviderConfig config) {
        ProviderConfig repo = config.scope("dr.repository");
        var file = repo.get("key-file");
        if (file.isPresent()) {
            return fromFile(Path.of(file.get()));
        }
        return repo.secret("key").map(s -> of(s, "configuration key dr.repository.key ("
                + ProviderConfig.keyToEnv("dr.repository.key") + ")")).orElse(null);
    }

    /** Generates a new random key, base64-encoded, for {@code dr key generate} and tests. */
    static Secret generate() {
        byte[] b = new byte[KeyMaterial.LENGTH];
        new java.security.SecureRandom().nextBytes(b);
        Secret s = Secret.of(java.util.Base64.getEncoder().encodeToString(b));
        java.util.Arrays.fill(b, (byte) 0);
        return s;
    }
}
