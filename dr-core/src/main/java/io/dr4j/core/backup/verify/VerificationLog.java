package io.dr4j.core.backup.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.WriteOptions;

/**
 * Verification results kept in the repository ({@code verification/<time>-<kind>-<n>.json}, write-once), so that
 * monitoring, retention ("never delete the newest verified backup") and people can see what was verified when.
 */
public final class VerificationLog {
    static final String PREFIX = "verification/";
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Repository repository;

    public VerificationLog(Repository repository) {
        this.repository = repository;
    }

    /** Stores a record. */
    public void record(VerificationRecord r) {
        String key = PREFIX + FORMAT.format(r.startedAt()) + "-" + r.kind().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 8) + ".json";
        repository.target().put(key, new ByteArrayInputStream(Json.write(r)), WriteOptions.createNew());
        repository.events().fire(new io.dr4j.core.events.DrEvent.VerificationCompleted(repository.events().system(), r,
                repository.events().clock().instant()));
    }

    /** Every record, oldest first. */
    public List<VerificationRecord> all() {
        List<VerificationRecord> out = new ArrayList<>();
        try (Stream<ObjectInfo> s = repository.target().listAll(PREFIX)) {
            for (ObjectInfo o : (Iterable<ObjectInfo>) s::iterator) {
                if (!o.key().endsWith(".json")) {
                    continue;
                }
                try (InputStream in = repository.target().get(o.key())) {
                    out.add(Json.read(in, VerificationRecord.class));
                } catch (IOException e) {
                    throw new RepositoryException("Verification record " + o.key() + " is unreadable: " + e.getMessage(), e);
                }
            }
        }
        out.sort(Comparator.comparing(VerificationRecord::startedAt));
        return out;
    }

    /** The newest record of a kind. */
    public Optional<VerificationRecord> latest(VerificationRecord.Kind kind) {
        List<VerificationRecord> all = all();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).kind() == kind) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Backups whose most recent data verification (read-data or test-restore) passed. A later failing verification
     * of a backup withdraws it.
     */
    public Set<String> verifiedBackups() {
        Map<String, Boolean> last = new HashMap<>();
        for (VerificationRecord r : all()) {
            if (r.kind() == VerificationRecord.Kind.WAL_CHAIN) {
                continue;
            }
            for (String id : r.backups()) {
                boolean named = r.problems().stream().anyMatch(p -> p.contains(id));
                last.put(id, r.passed() || !named);
            }
        }
        Set<String> out = new HashSet<>();
        last.forEach((id, ok) -> {
            if (ok) {
                out.add(id);
            }
        });
        return out;
    }
}
