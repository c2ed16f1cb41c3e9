package io.dr4j.core.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to write an object.
 *
 * @param createOnly   refuse to replace an existing object ({@link ObjectAlreadyExistsException})
 * @param sizeHint     expected size in bytes, or -1 when unknown (writers must accept any length either way)
 * @param metadata     user metadata stored with the object (small, ASCII keys)
 * @param retainUntil  lock the object against deletion until this instant, where the target supports
 *                     {@link Capability#IMMUTABILITY}; a target that cannot must refuse, not ignore it
 */
public record WriteOptions(boolean createOnly, long sizeHint, Map<String, String> metadata,
                           @Nullable Instant retainUntil) {

    private static final WriteOptions CREATE_ONLY = new WriteOptions(true, -1, Map.of(), null);
    private static final WriteOptions OVERWRITE = new WriteOptions(false, -1, Map.of(), null);

    public WriteOptions {
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    /** Write once: fail if the key exists. The default for everything in a repository. */
    public static WriteOptions createNew() {
        return CREATE_ONLY;
    }

    /** Replace whatever is there (only for mutable helper objects such as locks and status files). */
    public static WriteOptions replaceExisting() {
        return OVERWRITE;
    }

    public WriteOptions withSizeHint(long size) {
        return new WriteOptions(createOnly, size, metadata, retainUntil);
    }

    public WriteOptions withMetadata(Map<String, String> meta) {
        return new WriteOptions(createOnly, sizeHint, meta, retainUntil);
    }

    public WriteOptions withRetainUntil(@Nullable Instant until) {
        return new WriteOptions(createOnly, sizeHint, metadata, until);
    }
}
