package io.dr4j.core.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What a target knows about a stored object.
 *
 * @param key          the object's key
 * @param size         stored size in bytes
 * @param lastModified when it was written
 * @param etag         the store's entity tag or generation, when it has one
 * @param metadata     user metadata stored with the object
 * @param retainUntil  immutability lock: the object cannot be deleted before this instant, when set
 */
public record ObjectInfo(String key, long size, Instant lastModified, @Nullable String etag,
                         Map<String, String> metadata, @Nullable Instant retainUntil) {

    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        metadata = Map.copyOf(metadata);
    }

    public ObjectInfo(String key, long size, Instant lastModified) {
        this(key, size, lastModified, null, Map.of(), null);
    }

    public Optional<Instant> retention() {
        return Optional.ofNullable(retainUntil);
    }
}
