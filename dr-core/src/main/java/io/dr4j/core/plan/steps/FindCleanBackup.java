package io.dr4j.core.plan.steps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.StepOutput;

/**
 * Finds the newest backup that finished before a point in time (the compromise or corruption time) and whose every
 * stored object still reads back with the SHA-256 and size its manifest records (verifying reads; the chain of a
 * differential or incremental backup included). Backups that fail are reported and skipped. Outputs
 * {@code backupId} and {@code backupConsistentAt} (its {@code consistentAt} property, else its finish). It reports no
 * recovered-to point itself: the restore step that follows does.
 */
public final class FindCleanBackup implements StepAction {
    /** How thoroughly each candidate is checked. */
    public enum Depth {
        /** Re-read every object and compare its SHA-256 and size (ransomware: the backups themselves are suspect). */
        CHECKSUMS,
        /**
         * Only check every object is present with its recorded stored size (fast; for a restore that verifies the
         * checksums itself while it reads, so the RTO does not pay for reading the backup twice).
         */
        PRESENCE
    }

    private final Repository repository;
    private final Function<StepContext, Instant> before;
    private final int maxCandidates;
    private final Depth depth;

    /**
     * @param before        the time the backup must have finished by, computed when the step runs
     * @param maxCandidates how many backups to try, newest first
     */
    public FindCleanBackup(Repository repository, Function<StepContext, Instant> before, int maxCandidates) {
        this(repository, before, maxCandidates, Depth.CHECKSUMS);
    }

    public FindCleanBackup(Repository repository, Function<StepContext, Instant> before, int maxCandidates,
                           Depth depth) {
        this.depth = Objects.requireNonNull(depth, "depth");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.before = Objects.requireNonNull(before, "before");
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be >= 1, was " + maxCandidates);
        }
        this.maxCandidates = maxCandidates;
    }

    @Override
    public StepOutput execute(StepContext ctx) throws Exception {
        Instant limit = before.apply(ctx);
        List<BackupManifest> candidates = repository.catalog().list().stream()
                .filter(m -> !m.finishedAt().isAfter(limit))
                .sorted(Comparator.comparing(BackupManifest::finishedAt).reversed())
                .limit(maxCandidates).toList();
        if (candidates.isEmpty()) {
            throw StepFailedException.permanent("No backup in " + repository + " finished before " + limit
                    + ". Look for an older off-site copy or restore without a backup");
        }
        List<String> rejected = new ArrayList<>();
        for (BackupManifest m : candidates) {
            ctx.checkCancelled();
            ctx.progress("verifying backup " + m.id() + " (" + m.files().size() + " files)");
            String problem = verify(ctx, m);
            if (problem == null) {
                Map<String, String> values = new LinkedHashMap<>();
                values.put("backupId", m.id());
                values.put("backupFinishedAt", m.finishedAt().toString());
                values.put("backupConsistentAt", consistentPoint(m).toString());
                values.put("candidatesTried", Integer.toString(rejected.size() + 1));
                if (!rejected.isEmpty()) {
                    values.put("rejected", String.join("; ", rejected));
                }
                values.put("checked", depth.name());
                return new StepOutput("backup " + m.id() + " (finished " + m.finishedAt() + ") is clean: every object "
                        + (depth == Depth.CHECKSUMS ? "matches its checksum" : "is present with its recorded size") + (rejected.isEmpty() ? "" : "; rejected: " + String.join("; ", rejected)),
                        values, null);
            }
            rejected.add(m.id() + ": " + problem);
        }
        throw StepFailedException.permanent("No clean backup before " + limit + " among the newest "
                + candidates.size() + ": " + String.join("; ", rejected));
    }

    private String verify(StepContext ctx, BackupManifest m) {
        try {
            for (BackupManifest link : repository.catalog().chain(m)) {
                if (!link.id().equals(m.id()) && link.finishedAt().isAfter(m.finishedAt())) {
                    return "its chain contains backup " + link.id() + " newer than itself";
                }
            }
            for (BackupFile f : m.files()) {
                if (f.kind() != BackupFile.Kind.FILE || f.objectKey() == null) {
                    continue;
                }
                ctx.checkCancelled();
                if (depth == Depth.PRESENCE) {
                    var info = repository.stat(f.objectKey());
                    if (info.isEmpty()) {
                        return "object " + f.objectKey() + " is missing";
                    }
                    if (f.storedSize() > 0 && info.get().size() != f.storedSize()) {
                        return "object " + f.objectKey() + " has " + info.get().size() + " bytes stored, the manifest "
                                + "records " + f.storedSize();
                    }
                    continue;
                }
                try (InputStream in = repository.read(f.objectKey(), f.sha256(), f.size())) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            if (e instanceof io.dr4j.core.plan.PlanCancelledException pc) {
                throw pc;
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    static Instant consistentPoint(BackupManifest m) {
        return m.property("consistentAt").map(s -> {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return m.finishedAt();
            }
        }).orElse(m.finishedAt());
    }
}
