package io.dr4j.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming authenticated encryption of repository objects. The object key is the associated data, so an object
 * moved to another key does not decrypt (swaps are detected). A wrong key fails with
 * {@link WrongKeyException} before any plaintext is released.
 */
public interface ObjectEncryption {

    /**
     * An id of the key in use, recorded in {@code repository.json}; never key material. For
     * {@link EnvelopeEncryption} it is a fingerprint of the key-encryption key.
     */
    String keyId();

    /** Wraps {@code sink}; closing the returned stream finishes the ciphertext and closes {@code sink}. */
    OutputStream encrypt(OutputStream sink, byte[] associatedData) throws IOException;

    /** Wraps {@code source}; reads fail with {@link IntegrityException} when the ciphertext was altered. */
    InputStream decrypt(InputStream source, byte[] associatedData, String objectName) throws IOException;

    /**
     * The {@code encryption} map recorded in {@code repository.json} when a repository is created with this
     * encryption: at least {@code algorithm} and {@code keyId}; never key material in the clear.
     * {@link EnvelopeEncryption} adds the wrapped data keyset.
     */
    default Map<String, Object> repositoryMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", StreamingAeadEncryption.ALGORITHM);
        m.put("keyId", keyId());
        return m;
    }

    /**
     * This encryption applied to an existing repository whose {@code repository.json} records {@code recorded}:
     * checks that the key is the repository's and returns the encryption to use for its objects.
     *
     * @param where the repository location, for messages
     * @throws WrongKeyException when the key is not the repository's; nothing has been read or written then
     */
    default ObjectEncryption forRepository(Map<String, Object> recorded, String where) {
        Object keyId = recorded.get("keyId");
        if (keyId != null && !keyId.equals(keyId())) {
            throw new WrongKeyException("The configured key (id " + keyId() + ") is not the key of the repository at "
                    + where + " (id " + keyId + "). Configure the repository's key; nothing was read or written", null);
        }
        return this;
    }
}
