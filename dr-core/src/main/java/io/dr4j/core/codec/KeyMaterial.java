package io.dr4j.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import io.dr4j.core.ConfigurationException;

/** Parsing of key material: never echoes it. */
final class KeyMaterial {
    static final int LENGTH = 32;

    private KeyMaterial() {
    }

    /** Base64 text (standard or URL-safe, surrounding white space ignored) of exactly 32 bytes. */
    static byte[] decode(byte[] text, String source) {
        String s = new String(text, StandardCharsets.UTF_8).strip();
        Arrays.fill(text, (byte) 0);
        if (s.isEmpty()) {
            throw new ConfigurationException("The repository key from " + source + " is empty. " + HINT);
        }
        byte[] key;
        try {
            key = (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
        } catch (IllegalArgumentException e) {
            // the exception message may quote the input: do not keep it
            throw new ConfigurationException("The repository key from " + source + " is not valid base64. " + HINT);
        }
        if (key.length != LENGTH) {
            int n = key.length;
            Arrays.fill(key, (byte) 0);
            throw new ConfigurationException("The repository key from " + source + " has " + n + " bytes, expected "
                    + LENGTH + ". " + HINT);
        }
        return key;
    }

    static final String HINT = "A key is 32 random bytes in base64; generate one with 'openssl rand -base64 32' "
            + "and keep a copy outside the repository (without it the backups cannot be read)";
}
