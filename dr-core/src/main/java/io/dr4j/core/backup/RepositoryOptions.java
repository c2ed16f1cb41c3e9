package io.dr4j.core.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.ObjectEncryption;
import io.dr4j.core.events.DrEventListener;

import org.jspecify.annotations.Nullable;

/**
 * How a repository writes new objects, and who hears about what it does.
 *
 * @param codec      compression of new objects
 * @param encryption encryption of new objects, or null for none
 * @param listeners  receive the repository's {@linkplain io.dr4j.core.events.DrEvent events} (metrics, backup status)
 */
public record RepositoryOptions(CodecSpec codec, @Nullable ObjectEncryption encryption,
                                List<DrEventListener> listeners) {
    public static final RepositoryOptions DEFAULT = new RepositoryOptions(CodecSpec.DEFAULT, null);

    public RepositoryOptions {
        Objects.requireNonNull(codec, "codec");
        listeners = List.copyOf(listeners);
    }

    /** Options without listeners. */
    public RepositoryOptions(CodecSpec codec, @Nullable ObjectEncryption encryption) {
        this(codec, encryption, List.of());
    }

    public RepositoryOptions withCodec(CodecSpec spec) {
        return new RepositoryOptions(spec, encryption, listeners);
    }

    public RepositoryOptions withEncryption(@Nullable ObjectEncryption enc) {
        return new RepositoryOptions(codec, enc, listeners);
    }

    /** These options with one more listener. */
    public RepositoryOptions withListener(DrEventListener listener) {
        List<DrEventListener> l = new ArrayList<>(listeners);
        l.add(Objects.requireNonNull(listener, "listener"));
        return new RepositoryOptions(codec, encryption, l);
    }
}
