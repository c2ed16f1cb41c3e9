package io.dr4j.core.plan;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dr4j.core.internal.json.Json;

import org.jspecify.annotations.Nullable;

/** The JSON state file of a run (written atomically after every step), read back by {@link PlanRunner#resume}. */
final class RunStateFile {
    static final int FORMAT_VERSION = 1;

    private RunStateFile() {
    }

    record State(int formatVersion, String runId, String planId, PlanStatus status, Map<String, String> inputs,
                 Instant incidentAt, Instant declaredAt, Instant startedAt, @Nullable Instant finishedAt,
                 List<StepResult> steps, List<TimelineEvent> timeline) {
    }

    static void write(Path file, State state) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Json.write(state));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new PlanException("Could not write the run state to " + file + ": " + e.getMessage()
                    + ". Check the directory exists and is writable", e);
        }
    }

    static State read(Path file) {
        try {
            State s = Json.read(Files.readAllBytes(file), State.class);
            if (s.formatVersion() > FORMAT_VERSION) {
                throw new PlanException("Run state " + file + " has format version " + s.formatVersion()
                        + ", newer than this dr4j understands (" + FORMAT_VERSION + "). Upgrade dr4j");
            }
            if (s.runId() == null || s.planId() == null || s.steps() == null) {
                throw new PlanException("Run state " + file + " is incomplete (no runId, planId or steps)");
            }
            return s;
        } catch (NoSuchFileException e) {
            throw new PlanException("No run state at " + file + ": pass the stateFile the run was started with", e);
        } catch (IOException e) {
            throw new PlanException("Run state " + file + " is unreadable: " + e.getMessage(), e);
        }
    }
}
