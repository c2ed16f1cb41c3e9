package io.dr4j.core.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A secret value (password, key, token). {@code toString()} never shows it; get it with {@link #reveal()} only at the
 * point of use (an HTTP header, a JDBC property, an environment variable of a child process — never argv).
 */
public final class Secret {
    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value").toCharArray());
    }

    public String reveal() {
        return new String(value);
    }

    public byte[] revealBytes() {
        return new String(value).getBytes(StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** Whether a configuration key names a secret (password, secret, token, key material). */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("passphrase")
                || k.endsWith(".key") || k.contains("private") || k.contains("credential") || k.contains("webhook")
                || k.replace('-', '.').replace('_', '.').contains("routing.key") || k.contains("hmac");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "********";
    }
}
