package io.dr4j.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Objects;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;

/**
 * {@link ObjectEncryption} with Tink's {@link StreamingAead} (AES256_GCM_HKDF_1MB: AES-256-GCM, a per-object key
 * derived with HKDF-SHA256 from the data key and a random salt, 1 MiB segments each authenticated before any of its
 * plaintext is released, truncation detected by the last-segment flag). The associated data is the object key, so an
 * object copied or moved to another key fails authentication.
 *
 * <p>Holds the data keyset only; how that keyset is stored (wrapped by the key-encryption key in
 * {@code repository.json}) is {@link EnvelopeEncryption}'s job.
 */
public final class StreamingAeadEncryption implements ObjectEncryption {
    /** The Tink parameters name recorded in {@code repository.json}. */
    public static final String ALGORITHM = "AES256_GCM_HKDF_1MB";

    private final StreamingAead aead;
    private final String keyId;

    StreamingAeadEncryption(KeysetHandle dataKeyset, String keyId) {
        Objects.requireNonNull(dataKeyset, "dataKeyset");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        try {
            this.aead = dataKeyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink cannot create a StreamingAead for the data keyset: " + e.getMessage(), e);
        }
    }

    static KeysetHandle newDataKeyset() {
        register();
        try {
            return KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink cannot generate an " + ALGORITHM + " key: " + e.getMessage(), e);
        }
    }

    static void register() {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink streaming AEAD could not be registered: " + e.getMessage(), e);
        }
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public OutputStream encrypt(OutputStream sink, byte[] associatedData) throws IOException {
        try {
            return aead.newEncryptingStream(sink, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot start encryption: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream decrypt(InputStream source, byte[] associatedData, String objectName) throws IOException {
        SourceErrors src = new SourceErrors(source);
        InputStream plain;
        try {
            plain = aead.newDecryptingStream(src, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IntegrityException(objectName, "Cannot decrypt " + objectName + ": " + e.getMessage(), e);
        }
        return new io.dr4j.core.storage.BlockInputStream(plain) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    if (src.failure != null) {
                        throw src.failure; // the store failed, not the cryptography
                    }
                    throw new IntegrityException(objectName, "Object " + objectName + " failed authentication: it was "
                            + "altered, truncated, moved from another key or encrypted with another data key ("
                            + e.getMessage() + "). Restore it from another copy", e);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "StreamingAeadEncryption[" + ALGORITHM + ", key id " + keyId + "]";
    }

    /** Remembers an I/O failure of the store so that it is not reported as tampering. */
    private static final class SourceErrors extends FilterInputStream {
        private IOException failure;

        SourceErrors(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
