package io.dr4j.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;

import io.dr4j.core.ConfigurationException;

/**
 * Envelope encryption of a repository: objects are encrypted with a random <em>data keyset</em>
 * ({@link StreamingAeadEncryption}, AES256_GCM_HKDF_1MB); the data keyset is stored in {@code repository.json},
 * encrypted ("wrapped") with AES-256-GCM under the key-encryption key (KEK) of a {@link KeyProvider}.
 *
 * <ul>
 *   <li>The KEK used for wrapping is derived from the provider's key material with HKDF-SHA256
 *       (info {@code dr4j-kek-v1}); the <em>key id</em> recorded next to the wrapped keyset is a different HKDF
 *       output (info {@code dr4j-key-id-v1}), a fingerprint that reveals nothing about the key.</li>
 *   <li>Opening a repository unwraps the keyset: a wrong KEK fails authentication there, with
 *       {@link WrongKeyException}, before any object is read or written.</li>
 *   <li>Rotation ({@link #rotate}) unwraps with the old KEK and wraps the same keyset with the new one:
 *       {@code repository.json} changes, no data object is rewritten.</li>
 * </ul>
 *
 * <p>A new instance carries a freshly generated data keyset, which becomes the repository's when the repository is
 * created with it ({@link #repositoryMetadata()}); opening an existing repository uses the stored keyset instead
 * ({@link #forRepository}).
 */
public final class EnvelopeEncryption implements ObjectEncryption {
    /** The associated data of the wrapped keyset: ties the ciphertext to its purpose. */
    private static final byte[] KEYSET_AAD = "dr4j-repository-data-keyset-v1".getBytes(StandardCharsets.US_ASCII);
    static final String WRAPPING = "AES256_GCM/HKDF-SHA256";

    private final KeyProvider keyProvider;
    private final String keyId;
    private final KeysetHandle dataKeyset;
    private final StreamingAeadEncryption delegate;

    private EnvelopeEncryption(KeyProvider keyProvider, String keyId, KeysetHandle dataKeyset) {
        this.keyProvider = keyProvider;
        this.keyId = keyId;
        this.dataKeyset = dataKeyset;
        this.delegate = new StreamingAeadEncryption(dataKeyset, keyId);
    }

    /**
     * Envelope encryption under the KEK of {@code keyProvider}. Reads the key once, to compute its id.
     *
     * @throws ConfigurationException when the key is missing or malformed
     */
    public static EnvelopeEncryption with(KeyProvider keyProvider) {
        Objects.requireNonNull(keyProvider, "keyProvider");
        return new EnvelopeEncryption(keyProvider, keyIdOf(keyProvider), StreamingAeadEncryption.newDataKeyset());
    }

    /** The key id (fingerprint) of the provider's key: what {@code repository.json} records as {@code keyId}. */
    public static String keyIdOf(KeyProvider provider) {
        byte[] material = provider.keyMaterial();
        try {
            return HexFormat.of().formatHex(derive(material, "dr4j-key-id-v1", 8));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    @Override
    public String keyId() {
        return keyId;
    }

    /** Where the key comes from (never key material). */
    public String keySource() {
        return keyProvider.describe();
    }

    @Override
    public OutputStream encrypt(OutputStream sink, byte[] associatedData) throws IOException {
        return delegate.encrypt(sink, associatedData);
    }

    @Override
    public InputStream decrypt(InputStream source, byte[] associatedData, String objectName) throws IOException {
        return delegate.decrypt(source, associatedData, objectName);
    }

    /** The {@code encryption} map of a new repository: algorithm, key id and this instance's wrapped data keyset. */
    @Override
    public Map<String, Object> repositoryMetadata() {
        return metadata(keyId, wrap(dataKeyset, keyProvider));
    }

    /**
     * This key applied to an existing repository: unwraps the data keyset recorded in {@code repository.json}.
     *
     * @throws WrongKeyException when the key is not the repository's (nothing has been read or written)
     */
    @Override
    public ObjectEncryption forRepository(Map<String, Object> recorded, String where) {
        checkAlgorithm(recorded, where);
        Object recordedId = recorded.get("keyId");
        if (recordedId != null && !recordedId.equals(keyId)) {
            throw new WrongKeyException("The configured key (" + keyProvider.describe() + ", key id " + keyId
                    + ") is not the key of the repository at " + where + " (key id " + recordedId + "). Configure the "
                    + "repository's key; nothing was read or written", null);
        }
        KeysetHandle keyset = unwrap(recorded, keyProvider, where);
        return new EnvelopeEncryption(keyProvider, keyId, keyset);
    }

    /**
     * Re-wraps the data keyset of {@code recorded} under {@code newKey}: returns the new {@code encryption} map.
     * Data objects stay as they are (they are encrypted with the data keyset, which does not change).
     *
     * @throws WrongKeyException when {@code currentKey} does not unwrap the recorded keyset
     */
    public static Map<String, Object> rotate(Map<String, Object> recorded, KeyProvider currentKey, KeyProvider newKey,
                                             String where) {
        checkAlgorithm(recorded, where);
        KeysetHandle keyset = unwrap(recorded, currentKey, where);
        return metadata(keyIdOf(newKey), wrap(keyset, newKey));
    }

    private static Map<String, Object> metadata(String keyId, String wrapped) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", StreamingAeadEncryption.ALGORITHM);
        m.put("keyId", keyId);
        m.put("keyWrapping", WRAPPING);
        m.put("wrappedDataKeyset", wrapped);
        return m;
    }

    private static void checkAlgorithm(Map<String, Object> recorded, String where) {
        Object alg = recorded.get("algorithm");
        if (!StreamingAeadEncryption.ALGORITHM.equals(alg)) {
            throw new WrongKeyException("The repository at " + where + " is encrypted with '" + alg
                    + "', which this dr4j does not support (" + StreamingAeadEncryption.ALGORITHM + ")", null);
        }
        if (!(recorded.get("wrappedDataKeyset") instanceof String)) {
            throw new WrongKeyException("The repository at " + where + " records no wrapped data keyset in "
                    + "repository.json (encryption.wrappedDataKeyset); it was not written by envelope encryption", null);
        }
    }

    private static String wrap(KeysetHandle keyset, KeyProvider kek) {
        try {
            return Base64.getEncoder().encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, kekAead(kek), KEYSET_AAD));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not wrap the data keyset: " + e.getClass().getSimpleName(), e);
        }
    }

    private static KeysetHandle unwrap(Map<String, Object> recorded, KeyProvider kek, String where) {
        StreamingAeadEncryption.register();
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode((String) recorded.get("wrappedDataKeyset"));
        } catch (IllegalArgumentException e) {
            throw new WrongKeyException("repository.json at " + where + " holds a damaged wrapped data keyset "
                    + "(not base64). Restore repository.json from a copy", e);
        }
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kekAead(kek), KEYSET_AAD);
        } catch (GeneralSecurityException e) {
            // the cause's message never holds key material, but keep only its type to be safe
            throw new WrongKeyException("The key from " + kek.describe() + " (key id " + keyIdOf(kek) + ") cannot "
                    + "decrypt the data keyset of the repository at " + where + " (recorded key id "
                    + recorded.get("keyId") + "): wrong key, or repository.json was altered. Configure the key the "
                    + "repository was created (or last rotated) with; nothing was read or written", null);
        }
    }

    private static Aead kekAead(KeyProvider kek) throws GeneralSecurityException {
        byte[] material = kek.keyMaterial();
        byte[] derived = derive(material, "dr4j-kek-v1", 32);
        try {
            return new AesGcmJce(derived);
        } finally {
            Arrays.fill(material, (byte) 0);
            Arrays.fill(derived, (byte) 0);
        }
    }

    private static byte[] derive(byte[] material, String info, int size) {
        try {
            return Hkdf.computeHkdf("HMACSHA256", material, new byte[0], info.getBytes(StandardCharsets.US_ASCII), size);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "EnvelopeEncryption[" + StreamingAeadEncryption.ALGORITHM + ", key id " + keyId + ", "
                + keyProvider.describe() + "]";
    }
}
