package io.dr4j.core.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import org.jspecify.annotations.Nullable;

/**
 * {@code backups/<id>/manifest.json}: written last, its presence is what makes a backup exist.
 *
 * @param formatVersion manifest format version (1)
 * @param id            the backup id
 * @param type          full, diff, incr or logical
 * @param parentId      the backup a diff/incr is based on
 * @param systemId      the source system (PostgreSQL system identifier)
 * @param sourceKind    e.g. {@code postgresql}
 * @param startedAt     when the backup started
 * @param finishedAt    when it was complete (data and needed WAL stored)
 * @param properties    source facts: {@code startLsn}, {@code stopLsn}, {@code timeline}, {@code serverVersion},
 *                      {@code consistentAt}, {@code database}...
 * @param labels        user labels
 * @param files         the entries
 * @param size          total original bytes of the files
 * @param storedSize    total stored bytes of the objects this backup wrote itself (not references)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupManifest(int formatVersion, String id, BackupType type, @Nullable String parentId,
                             String systemId, String sourceKind, Instant startedAt, Instant finishedAt,
                             Map<String, String> properties, Map<String, String> labels, List<BackupFile> files,
                             long size, long storedSize) {
    public static final int FORMAT_VERSION = 1;

    public BackupManifest {
        BackupId.validate(id);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(systemId, "systemId");
        Objects.requireNonNull(sourceKind, "sourceKind");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        files = files == null ? List.of() : List.copyOf(files);
    }

    public Optional<String> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    /** Ids of the earlier backups whose objects this one references (its chain, nearest first not guaranteed). */
    @JsonIgnore
    public Set<String> referencedBackups() {
        Set<String> ids = new TreeSet<>();
        for (BackupFile f : files) {
            if (f.fromBackup() != null) {
                ids.add(f.fromBackup());
            }
        }
        if (parentId != null) {
            ids.add(parentId);
        }
        return ids;
    }
}
