package io.dr4j.core.schedule;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ObjectKeys;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

/** Where the scheduler keeps {@link JobState}s between restarts. */
public interface ScheduleStateStore {

    Optional<JobState> load(String job);

    void save(JobState state);

    /** Kept in memory only: missed runs are not caught up after a restart. */
    static ScheduleStateStore inMemory() {
        Map<String, JobState> m = new ConcurrentHashMap<>();
        return new ScheduleStateStore() {
            @Override
            public Optional<JobState> load(String job) {
                return Optional.ofNullable(m.get(job));
            }

            @Override
            public void save(JobState state) {
                m.put(state.job(), state);
            }
        };
    }

    /**
     * Kept as {@code <prefix>schedule/<job>.json} objects in a target (e.g. the backup repository's, or a
     * {@code FileBackupTarget} on a local directory). When every replica uses the same target, they share the state.
     */
    static ScheduleStateStore inTarget(BackupTarget target, String prefix) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(prefix, "prefix");
        return new ScheduleStateStore() {
            private String key(String job) {
                return ObjectKeys.validate(prefix + "schedule/" + job + ".json");
            }

            @Override
            public Optional<JobState> load(String job) {
                try (InputStream in = target.get(key(job))) {
                    return Optional.of(Json.read(in, JobState.class));
                } catch (ObjectNotFoundException e) {
                    return Optional.empty();
                } catch (IOException e) {
                    throw new StorageException("Could not read the schedule state of job " + job + " at "
                            + target.location() + ": " + e.getMessage() + ". Delete " + key(job) + " to reset it", e);
                }
            }

            @Override
            public void save(JobState state) {
                target.put(key(state.job()), new ByteArrayInputStream(Json.write(state)), WriteOptions.replaceExisting());
            }
        };
    }
}
