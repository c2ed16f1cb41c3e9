package io.dr4j.core.backup.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One verification run, stored in the repository under {@code verification/}: when, what kind, which backups,
 * whether it passed and the problems found (each naming the object, segment or check).
 *
 * @param kind       read-data, wal-chain or test-restore
 * @param startedAt  when it started
 * @param duration   how long it took (for a test restore: the measured restore time, the RTO to expect)
 * @param passed     no problems found
 * @param backups    ids of the backups it covered
 * @param problems   what was wrong, one sentence each
 * @param details    facts (objects read, bytes, sample percentage, restorable window…)
 */
public record VerificationRecord(Kind kind, Instant startedAt, Duration duration, boolean passed,
                                 List<String> backups, List<String> problems, Map<String, String> details) {

    public enum Kind { READ_DATA, WAL_CHAIN, TEST_RESTORE }

    public VerificationRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        backups = List.copyOf(backups);
        problems = List.copyOf(problems);
        details = Map.copyOf(details);
    }
}
