package io.dr4j.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectNotFoundException;

import org.jspecify.annotations.Nullable;

/**
 * The backups of a repository. Only backups with a manifest exist; objects under {@code backups/<id>/} without
 * one are leftovers of a backup that failed or was interrupted, found by {@link #leftovers()}.
 */
public final class Catalog {
    static final String BACKUPS = "backups/";
    /** The lock backups and expiry share. */
    public static final String LOCK = "repository";
    private final Repository repository;

    Catalog(Repository repository) {
        this.repository = repository;
    }

    static String backupPrefix(String id) {
        return BACKUPS + BackupId.validate(id) + "/";
    }

    public static String manifestKey(String id) {
        return backupPrefix(id) + "manifest.json";
    }

    /** Complete backups, oldest first (by start time, then id). */
    public List<BackupManifest> list() {
        List<BackupManifest> out = new ArrayList<>();
        for (String id : ids()) {
            find(id).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupManifest::startedAt).thenComparing(BackupManifest::id));
        return out;
    }

    /**
     * {@link #list()} without the entries: each manifest's {@link BackupManifest#files() files} is empty, its other
     * fields are read. For choosing among the backups: building every entry of every manifest (~1,000 of a PostgreSQL
     * backup, each with its hash and times) costs tens of milliseconds per backup at a command's start. {@link #get}
     * reads the chosen one in full.
     */
    public List<BackupManifest> listWithoutFiles() {
        List<BackupManifest> out = new ArrayList<>();
        for (String id : ids()) {
            find(id, false).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupManifest::startedAt).thenComparing(BackupManifest::id));
        return out;
    }

    private List<String> ids() {
        return repository.target().listChildren(BACKUPS).stream().filter(Catalog::isValidId).toList();
    }

    private static boolean isValidId(String s) {
        try {
            BackupId.validate(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The complete backup with this id. */
    public Optional<BackupManifest> find(String id) {
        return find(id, true);
    }

    private Optional<BackupManifest> find(String id, boolean withFiles) {
        String key = manifestKey(id);
        try (InputStream in = repository.target().get(key)) {
            BackupManifest m = withFiles ? Json.read(in, BackupManifest.class)
                    : Json.readWithout(in, BackupManifest.class, "files");
            if (!m.id().equals(id)) {
                throw new RepositoryException("Manifest " + key + " names backup " + m.id()
                        + " instead of " + id + ": the repository was tampered with or damaged");
            }
            return Optional.of(m);
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RepositoryException("Manifest " + key + " in " + repository.target().location()
                    + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** The complete backup with this id, or an error listing what exists. */
    public BackupManifest get(String id) {
        return find(id).orElseThrow(() -> {
            List<String> known = list().stream().map(BackupManifest::id).toList();
            return new BackupNotFoundException("No backup " + id + " in " + repository.target().location()
                    + (known.isEmpty() ? " (the repository has no complete backups)"
                    : ". Backups: " + String.join(", ", known.subList(Math.max(0, known.size() - 10), known.size()))));
        });
    }

    /** The newest complete backup. */
    public Optional<BackupManifest> latest() {
        List<BackupManifest> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The newest complete backup of one of {@code types} that finished at or before {@code time}. */
    public Optional<BackupManifest> latestBefore(Instant time, BackupType... types) {
        List<BackupType> wanted = types.length == 0 ? List.of(BackupType.values()) : List.of(types);
        BackupManifest best = null;
        for (BackupManifest m : list()) {
            if (wanted.contains(m.type()) && !m.finishedAt().isAfter(time)) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Ids that have objects but no manifest: leftovers of failed or running backups. */
    public List<String> leftovers() {
        List<String> out = new ArrayList<>();
        for (String id : ids()) {
            if (!repository.target().exists(manifestKey(id))) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Starts writing a new backup, failing at once when another backup or an expiry holds the repository lock.
     *
     * @throws BackupFailedException when objects with that id exist already
     * @throws RepositoryLock.RepositoryLockedException naming the holder when another backup is running
     */
    public BackupSession begin(String id) {
        return begin(id, java.time.Duration.ZERO);
    }

    /** Starts writing a new backup, waiting up to {@code wait} for a running backup or expiry to finish. */
    public BackupSession begin(String id, java.time.Duration wait) {
        BackupId.validate(id);
        try (Stream<ObjectInfo> s = repository.target().listAll(backupPrefix(id))) {
            if (s.findAny().isPresent()) {
                throw new BackupFailedException("Backup id " + id + " is taken in " + repository.target().location()
                        + (repository.target().exists(manifestKey(id)) ? "" : " by leftovers of a failed backup; "
                        + "remove them with the catalog's cleanup (dr expire) first"));
            }
        }
        RepositoryLock lock = RepositoryLock.acquire(repository, LOCK, "backup " + id, wait,
                RepositoryLock.DEFAULT_STALE_AFTER);
        return new BackupSession(repository, id, lock);
    }

    /** Deletes a complete backup: the manifest first (so it stops existing at once), then its objects. */
    public void delete(String id) {
        repository.target().delete(manifestKey(id));
        deleteObjects(id);
    }

    /** Deletes every object under {@code backups/<id>/} (leftover cleanup). */
    public void deleteObjects(String id) {
        List<String> keys;
        try (Stream<ObjectInfo> s = repository.target().listAll(backupPrefix(id))) {
            keys = s.map(ObjectInfo::key).toList();
        }
        String manifest = manifestKey(id);
        // the manifest first: a half-deleted backup must never look complete
        if (keys.contains(manifest)) {
            repository.target().delete(manifest);
        }
        for (String k : keys) {
            if (!k.equals(manifest)) {
                repository.target().delete(k);
            }
        }
    }

    /** The chain of a backup: itself and every backup it references, oldest first. */
    public List<BackupManifest> chain(BackupManifest backup) {
        List<BackupManifest> chain = new ArrayList<>();
        BackupManifest cur = backup;
        while (cur != null) {
            chain.add(0, cur);
            @Nullable String parent = cur.parentId();
            if (parent == null) {
                break;
            }
            String child = cur.id();
            cur = find(parent).orElseThrow(() -> new RepositoryException("Backup " + child + " depends on backup "
                    + parent + ", which is missing from " + repository.target().location()
                    + ": the chain is broken and cannot be restored"));
        }
        return chain;
    }
}
