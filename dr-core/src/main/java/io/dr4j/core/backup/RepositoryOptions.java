package io.dr4j.core.backup;

import java.util.Objects;

import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.ObjectEncryption;

import org.jspecify.annotations.Nullable;

/**
 * How a repository writes new objects.
 *
 * @param codec      compression of new objects
 * @param encryption encryption of new objects, or null for none
 */
public record RepositoryOptions(CodecSpec codec, @Nullable ObjectEncryption encryption) {
    public static final RepositoryOptions DEFAULT = new RepositoryOptions(CodecSpec.DEFAULT, null);

    public RepositoryOptions {
        Objects.requireNonNull(codec, "codec");
    }

    public RepositoryOptions withCodec(CodecSpec spec) {
        return new RepositoryOptions(spec, encryption);
    }

    public RepositoryOptions withEncryption(@Nullable ObjectEncryption enc) {
        return new RepositoryOptions(codec, enc);
    }
}
