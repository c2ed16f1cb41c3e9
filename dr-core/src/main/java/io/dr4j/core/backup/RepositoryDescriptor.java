package io.dr4j.core.backup;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.jspecify.annotations.Nullable;

/**
 * {@code repository.json}: what a repository is and for which system.
 *
 * @param format        always {@code "dr4j-repository"}
 * @param formatVersion repository format version (1)
 * @param systemId      the system this repository belongs to (PostgreSQL system identifier); opening the
 *                      repository for another system is refused
 * @param systemKind    e.g. {@code postgresql}
 * @param createdAt     when it was initialised
 * @param compression   default compression of new objects, e.g. {@code zstd}
 * @param encryption    encryption metadata (algorithm, key ids, wrapped data keys), absent when not encrypted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepositoryDescriptor(String format, int formatVersion, String systemId, String systemKind,
                                   Instant createdAt, String compression,
                                   @Nullable Map<String, Object> encryption) {
    public static final String FORMAT = "dr4j-repository";
    public static final int FORMAT_VERSION = 1;
    public static final String KEY = "repository.json";

    public RepositoryDescriptor {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(systemId, "systemId");
        Objects.requireNonNull(systemKind, "systemKind");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(compression, "compression");
    }
}
