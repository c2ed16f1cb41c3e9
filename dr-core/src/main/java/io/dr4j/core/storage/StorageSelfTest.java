package io.dr4j.core.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out what a {@link BackupTarget} really does, on a scratch prefix it creates and removes: put, stat, full and
 * ranged get, list (visibility and pagination), create-only on an existing key, delete. Users of S3-compatible
 * stores need this: many claim S3 compatibility and silently ignore {@code If-None-Match} or {@code Range}.
 * Used by {@code dr storage check}.
 *
 * <pre>{@code
 * StorageSelfTest.Report r = StorageSelfTest.run(target);
 * if (!r.passed()) System.err.println(r.summary());
 * }</pre>
 */
public final class StorageSelfTest {
    private static final Logger log = LoggerFactory.getLogger(StorageSelfTest.class);
    /** Prefix under which scratch objects are written, one sub-prefix per run. */
    public static final String DEFAULT_SCRATCH = ".dr4j-selftest/";
    private static final int SIZE = 256 * 1024;

    private StorageSelfTest() {
    }

    /** The outcome of one check. */
    public enum Outcome {
        /** The store behaved as the contract requires. */
        PASSED,
        /** The store misbehaved; {@link Check#detail()} says how. */
        FAILED,
        /** The check could not run because an earlier one failed. */
        SKIPPED
    }

    /**
     * One check.
     *
     * @param name    e.g. {@code "ranged-get"}
     * @param outcome what happened
     * @param detail  what was observed, in one sentence
     * @param elapsed how long the check's store calls took
     */
    public record Check(String name, Outcome outcome, String detail, Duration elapsed) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * What the store did.
     *
     * @param location  the target tested
     * @param scratch   the prefix used (removed afterwards)
     * @param claimed   the capabilities the target reports
     * @param observed  the capabilities the checks confirmed (of CONDITIONAL_CREATE, RANGED_READ, CONSISTENT_LISTING)
     * @param checks    every check in order
     * @param startedAt when the run started
     * @param elapsed   total time
     */
    public record Report(URI location, String scratch, Set<Capability> claimed, Set<Capability> observed,
                         List<Check> checks, Instant startedAt, Duration elapsed) {
        public Report {
            claimed = Set.copyOf(claimed);
            observed = Set.copyOf(observed);
            checks = List.copyOf(checks);
        }

        /** Whether every check passed. */
        public boolean passed() {
            return checks.stream().allMatch(c -> c.outcome() == Outcome.PASSED);
        }

        public Optional<Check> check(String name) {
            return checks.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        /** Capabilities the target claims that the store did not show (the important finding). */
        public Set<Capability> claimedButNotObserved() {
            EnumSet<Capability> s = EnumSet.noneOf(Capability.class);
            for (Capability c : claimed) {
                if (TESTED.contains(c) && !observed.contains(c)) {
                    s.add(c);
                }
            }
            return s;
        }

        /** A plain-text table, one line per check. */
        public String summary() {
            StringBuilder sb = new StringBuilder("Storage self-test of " + location + " (" + elapsed.toMillis() + " ms): "
                    + (passed() ? "PASSED" : "FAILED") + "\n");
            for (Check c : checks) {
                sb.append(String.format("  %-22s %-7s %6d ms  %s%n", c.name(), c.outcome(), c.elapsed().toMillis(),
                        c.detail()));
            }
            sb.append("  claimed:  ").append(claimed).append('\n').append("  observed: ").append(observed).append('\n');
            if (!claimedButNotObserved().isEmpty()) {
                sb.append("  WARNING: claimed but not observed: ").append(claimedButNotObserved()).append('\n');
            }
            return sb.toString();
        }
    }

    private static final Set<Capability> TESTED = EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ,
            Capability.CONSISTENT_LISTING);

    /** Runs every check under {@value #DEFAULT_SCRATCH}{@code <random>/}. */
    public static Report run(BackupTarget target) {
        return run(target, DEFAULT_SCRATCH);
    }

    /**
     * Runs every check under {@code scratchPrefix + <random>/}; everything written there is deleted afterwards.
     * Store errors become FAILED checks, never exceptions (except for an invalid prefix).
     */
    public static Report run(BackupTarget target, String scratchPrefix) {
        Objects.requireNonNull(target, "target");
        ObjectKeys.validatePrefix(scratchPrefix);
        String base = scratchPrefix + (scratchPrefix.isEmpty() || scratchPrefix.endsWith("/") ? "" : "/")
                + UUID.randomUUID() + "/";
        return new Run(target, base).execute();
    }

    private static final class Run {
        private final BackupTarget target;
        private final String base;
        private final List<Check> checks = new ArrayList<>();
        private final EnumSet<Capability> observed = EnumSet.noneOf(Capability.class);
        private final List<String> written = new ArrayList<>();
        private final byte[] payload = new byte[SIZE];
        private boolean putOk;

        Run(BackupTarget target, String base) {
            this.target = target;
            this.base = base;
            new Random(42).nextBytes(payload);
        }

        Report execute() {
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            String key = base + "object.bin";
            try {
                check("put", () -> {
                    put(key, payload, WriteOptions.createNew());
                    putOk = true;
                    return "wrote " + SIZE + " bytes";
                });
                checkIfPut("stat", () -> {
                    ObjectInfo info = target.stat(key).orElse(null);
                    if (info == null) {
                        return fail("the object just written is not found by stat");
                    }
                    return info.size() == SIZE ? "size " + info.size() + " as written"
                            : fail("stat reports " + info.size() + " bytes, " + SIZE + " were written");
                });
                checkIfPut("get", () -> {
                    byte[] back = read(target.get(key));
                    return Arrays.equals(back, payload) ? "read back " + back.length + " identical bytes"
                            : fail("read back " + back.length + " bytes that differ from what was written");
                });
                checkIfPut("ranged-get", () -> {
                    byte[] part = read(target.get(key, ByteRange.of(1000, 4096)));
                    byte[] tail = read(target.get(key, ByteRange.from(SIZE - 100)));
                    byte[] past = read(target.get(key, ByteRange.from(SIZE + 10)));
                    if (part.length != 4096 || !Arrays.equals(part, Arrays.copyOfRange(payload, 1000, 5096))) {
                        return fail("range 1000+4096 returned " + part.length + " bytes"
                                + (part.length == SIZE ? " (the whole object: the store ignores Range)" : " that differ"));
                    }
                    if (!Arrays.equals(tail, Arrays.copyOfRange(payload, SIZE - 100, SIZE))) {
                        return fail("open-ended range from " + (SIZE - 100) + " returned " + tail.length + " bytes");
                    }
                    if (past.length != 0) {
                        return fail("a range past the end returned " + past.length + " bytes instead of none");
                    }
                    observed.add(Capability.RANGED_READ);
                    return "bounded, open-ended and past-the-end ranges correct";
                });
                checkIfPut("list", () -> {
                    for (int i = 0; i < 3; i++) {
                        put(base + "list/" + i, new byte[] {(byte) i}, WriteOptions.createNew());
                    }
                    ListPage first = target.list(base + "list/", null, 2);
                    if (first.objects().size() > 2) {
                        return fail("asked for 2 objects per page, got " + first.objects().size());
                    }
                    List<String> seen = new ArrayList<>();
                    first.objects().forEach(o -> seen.add(o.key()));
                    String token = first.nextToken();
                    int pages = 1;
                    while (token != null && pages < 10) {
                        ListPage p = target.list(base + "list/", token, 2);
                        p.objects().forEach(o -> seen.add(o.key()));
                        token = p.nextToken();
                        pages++;
                    }
                    List<String> expected = List.of(base + "list/0", base + "list/1", base + "list/2");
                    if (!seen.equals(expected)) {
                        return fail("listing returned " + seen + " in " + pages + " pages, expected " + expected);
                    }
                    List<String> children = target.listChildren(base);
                    if (!children.equals(List.of("list", "object.bin"))) {
                        return fail("listChildren(" + base + ") returned " + children + ", expected [list, object.bin]");
                    }
                    observed.add(Capability.CONSISTENT_LISTING);
                    return "new objects listed at once, " + pages + " pages of 2, children by delimiter correct";
                });
                checkIfPut("conditional-create", () -> {
                    byte[] other = "overwrite attempt".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    try {
                        put(key, other, WriteOptions.createNew());
                    } catch (ObjectAlreadyExistsException expected) {
                        byte[] back = read(target.get(key));
                        if (!Arrays.equals(back, payload)) {
                            return fail("create-only was refused but the object changed anyway");
                        }
                        if (target.capabilities().contains(Capability.CONDITIONAL_CREATE)) {
                            observed.add(Capability.CONDITIONAL_CREATE);
                            return "create-only on an existing key was refused; the object is unchanged";
                        }
                        return "create-only was refused by a check before the write (not atomic: the target does "
                                + "not claim CONDITIONAL_CREATE)";
                    }
                    byte[] back = read(target.get(key));
                    return fail("a create-only write on an existing key succeeded" + (Arrays.equals(back, other)
                            ? " and OVERWROTE the object: the store ignores If-None-Match / preconditions"
                            : ""));
                });
                checkIfPut("delete", () -> {
                    target.delete(key);
                    if (target.stat(key).isPresent()) {
                        return fail("the object still exists after delete");
                    }
                    try (InputStream in = target.get(key)) {
                        return fail("a deleted object can still be read");
                    } catch (ObjectNotFoundException expected) {
                        // as it should be
                    }
                    target.delete(key);
                    return "deleted, gone for stat and get, second delete succeeded";
                });
            } finally {
                cleanup();
            }
            Report r = new Report(target.location(), base, target.capabilities(), observed, checks, started,
                    Duration.ofNanos(System.nanoTime() - t0));
            log.info("Storage self-test of {}: {}", target.location(), r.passed() ? "passed" : "FAILED");
            return r;
        }

        private interface Body {
            String run() throws Exception;
        }

        private static final class Failed extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Failed(String msg) {
                super(msg, null, false, false);
            }
        }

        private static String fail(String detail) {
            throw new Failed(detail);
        }

        private void checkIfPut(String name, Body body) {
            if (!putOk) {
                checks.add(new Check(name, Outcome.SKIPPED, "the put check failed", Duration.ZERO));
                return;
            }
            check(name, body);
        }

        private void check(String name, Body body) {
            long t = System.nanoTime();
            Outcome outcome;
            String detail;
            try {
                detail = body.run();
                outcome = Outcome.PASSED;
            } catch (Failed f) {
                outcome = Outcome.FAILED;
                detail = f.getMessage();
            } catch (Exception e) {
                outcome = Outcome.FAILED;
                detail = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            checks.add(new Check(name, outcome, detail, Duration.ofNanos(System.nanoTime() - t)));
        }

        private void put(String k, byte[] data, WriteOptions options) {
            written.add(k);
            target.put(k, new ByteArrayInputStream(data), options.withSizeHint(data.length));
        }

        private static byte[] read(InputStream in) throws IOException {
            try (in) {
                return in.readAllBytes();
            }
        }

        private void cleanup() {
            for (String k : written) {
                try {
                    target.delete(k);
                } catch (RuntimeException e) {
                    log.warn("Could not remove self-test object {} from {}: {}", k, target.location(), e.getMessage());
                }
            }
        }

    }
}
