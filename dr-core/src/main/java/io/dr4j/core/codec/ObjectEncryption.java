package io.dr4j.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streaming authenticated encryption of repository objects. The object key is the associated data, so an object
 * moved to another key does not decrypt (swaps are detected). A wrong key fails with
 * {@link WrongKeyException} before any plaintext is released.
 */
public interface ObjectEncryption {

    /** An id of the data key in use, recorded in {@code repository.json}; never key material. */
    String keyId();

    /** Wraps {@code sink}; closing the returned stream finishes the ciphertext and closes {@code sink}. */
    OutputStream encrypt(OutputStream sink, byte[] associatedData) throws IOException;

    /** Wraps {@code source}; reads fail with {@link IntegrityException} when the ciphertext was altered. */
    InputStream decrypt(InputStream source, byte[] associatedData, String objectName) throws IOException;
}
