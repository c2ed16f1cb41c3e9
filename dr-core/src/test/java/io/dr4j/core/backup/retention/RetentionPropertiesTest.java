package io.dr4j.core.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.backup.WalSegment;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Retention over generated histories: random times, types (full/diff/incr/logical), timelines and WAL. Whatever the
 * history and the policy, the plan never breaks a kept backup's chain, never deletes the newest backup, never deletes
 * WAL a kept backup needs, and keeps every moment of a PITR window restorable.
 */
class RetentionPropertiesTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final long SEG = WalNames.DEFAULT_SEGMENT_SIZE;

    record History(List<BackupManifest> backups, List<WalSegment> wal) {
        @Override
        public String toString() {
            return backups.stream().map(b -> b.id() + "/" + b.parentId() + "@" + b.property("startWalFile").orElse("-"))
                    .toList() + " wal=" + wal.size();
        }
    }

    @Provide
    Arbitrary<History> histories() {
        return Arbitraries.longs().map(RetentionPropertiesTest::generate);
    }

    @Provide
    Arbitrary<RetentionPolicy> policies() {
        Arbitrary<RetentionPolicy> age = Arbitraries.integers().between(1, 60).map(d -> RetentionPolicy.keepFor(Duration.ofDays(d)));
        Arbitrary<RetentionPolicy> last = Arbitraries.integers().between(1, 8).map(RetentionPolicy::keepLast);
        Arbitrary<RetentionPolicy> gfs = Combinators.combine(Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(0, 6), Arbitraries.integers().between(1, 6)).as(RetentionPolicy::gfs);
        Arbitrary<RetentionPolicy> pitr = Arbitraries.integers().between(1, 30 * 24)
                .map(h -> RetentionPolicy.pitrWindow(Duration.ofHours(h)));
        return Arbitraries.oneOf(age, last, gfs, pitr);
    }

    @Property(tries = 400)
    void planIsSafe(@ForAll("histories") History h, @ForAll("policies") RetentionPolicy policy) {
        ExpiryPlan plan;
        try {
            plan = RetentionPlanner.plan(h.backups(), h.wal(), policy, NOW, Set.of(), Map.of());
        } catch (RetentionException e) {
            // only allowed when the policy itself selects nothing in a group: then nothing is deleted at all
            assertThat(e.getMessage()).contains("would delete every").contains("Nothing was deleted");
            return;
        }
        Map<String, BackupManifest> byId = new HashMap<>();
        h.backups().forEach(b -> byId.put(b.id(), b));
        Set<String> deleted = new HashSet<>(plan.delete());
        // partition
        assertThat(java.util.Collections.disjoint(plan.keep().keySet(), deleted)).isTrue();
        assertThat(plan.keep().size() + deleted.size()).isEqualTo(h.backups().size());
        // chains of kept backups are whole
        for (String id : plan.keep().keySet()) {
            assertThat(java.util.Collections.disjoint(byId.get(id).referencedBackups(), deleted)).as("chain of %s", id).isTrue();
        }
        // newest of each kind kept
        newest(h.backups(), false).ifPresent(b -> assertThat(plan.keep()).containsKey(b.id()));
        newest(h.backups(), true).ifPresent(b -> assertThat(plan.keep()).containsKey(b.id()));
        // no WAL a kept physical backup needs is deleted; history files never
        Set<String> walDeleted = new HashSet<>();
        plan.walToDelete().forEach(w -> walDeleted.add(w.name()));
        for (WalSegment w : plan.walToDelete()) {
            assertThat(w.name()).doesNotEndWith(".history");
        }
        for (String id : plan.keep().keySet()) {
            BackupManifest b = byId.get(id);
            if (b.type() == BackupType.LOGICAL) {
                continue;
            }
            String start = WalNames.position(WalNames.startSegment(b).orElseThrow());
            for (WalSegment w : h.wal()) {
                if (!w.name().endsWith(".history") && WalNames.position(w.name()).compareTo(start) >= 0) {
                    assertThat(walDeleted).as("WAL %s needed by kept %s", w.name(), id).doesNotContain(w.name());
                }
            }
        }
        if (policy instanceof RetentionPolicy.KeepFor k) {
            for (BackupManifest b : h.backups()) {
                if (!b.finishedAt().isBefore(NOW.minus(k.age()))) {
                    assertThat(plan.keep()).containsKey(b.id());
                }
            }
        }
        if (policy instanceof RetentionPolicy.KeepLast k) {
            long fulls = h.backups().stream().filter(b -> b.type() == BackupType.FULL).count();
            long keptFulls = plan.keep().keySet().stream().filter(id -> byId.get(id).type() == BackupType.FULL).count();
            assertThat(keptFulls).isGreaterThanOrEqualTo(Math.min(fulls, k.count()));
        }
        if (policy instanceof RetentionPolicy.PitrWindow w) {
            // every moment of the window after the first backup is restorable from a kept physical backup
            Random r = new Random(h.backups().size());
            for (int i = 0; i < 50; i++) {
                Instant t = NOW.minus(Duration.ofSeconds((long) (r.nextDouble() * w.window().toSeconds())));
                boolean anyBefore = h.backups().stream().anyMatch(b -> b.type() != BackupType.LOGICAL && !b.finishedAt().isAfter(t));
                if (!anyBefore) {
                    continue;
                }
                boolean restorable = plan.keep().keySet().stream().map(byId::get)
                        .anyMatch(b -> b.type() != BackupType.LOGICAL && !b.finishedAt().isAfter(t));
                assertThat(restorable).as("a moment %s inside the window is restorable", t).isTrue();
            }
        }
    }

    @Property(tries = 100)
    void newestVerifiedAndLockedBackupsAreKept(@ForAll("histories") History h, @ForAll("policies") RetentionPolicy policy) {
        List<BackupManifest> physical = h.backups().stream().filter(b -> b.type() != BackupType.LOGICAL).toList();
        if (physical.size() < 2) {
            return;
        }
        BackupManifest verified = physical.get(0);
        BackupManifest locked = physical.get(physical.size() / 2);
        try {
            ExpiryPlan plan = RetentionPlanner.plan(h.backups(), h.wal(), policy, NOW, Set.of(verified.id()),
                    Map.of(locked.id(), NOW.plusSeconds(3600)));
            assertThat(plan.keep()).containsKey(verified.id()).containsKey(locked.id());
        } catch (RetentionException expected) {
            // policy selected nothing: nothing deleted
        }
    }

    static java.util.Optional<BackupManifest> newest(List<BackupManifest> all, boolean logical) {
        return all.stream().filter(b -> (b.type() == BackupType.LOGICAL) == logical)
                .max(java.util.Comparator.comparing(BackupManifest::finishedAt).thenComparing(BackupManifest::id));
    }

    /** Generates a random but plausible history from a seed: backups over up to ~90 days, WAL in between. */
    static History generate(long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(40);
        List<BackupManifest> backups = new ArrayList<>();
        List<WalSegment> wal = new ArrayList<>();
        Instant t = NOW.minus(Duration.ofHours(1 + r.nextInt(90 * 24)));
        long tl = 1;
        long seg = 1 + r.nextInt(5);
        String lastFull = null;
        String last = null;
        int i = 0;
        while (backups.size() < n && t.isBefore(NOW)) {
            boolean logical = r.nextInt(8) == 0;
            BackupType type;
            String parent = null;
            if (logical) {
                type = BackupType.LOGICAL;
            } else if (lastFull == null || r.nextInt(4) == 0) {
                type = BackupType.FULL;
            } else if (r.nextBoolean()) {
                type = BackupType.DIFF;
                parent = lastFull;
            } else {
                type = BackupType.INCR;
                parent = last;
            }
            if (r.nextInt(15) == 0) {
                tl++; // a promotion: new timeline from here
                wal.add(new WalSegment(String.format("%08X", tl), String.format("%08X.history", tl), "0".repeat(64),
                        "wal/x", 100, false));
            }
            String id = String.format("%s-%03d-%s", BackupIdFormat.format(t), i++, type.id());
            String start = WalNames.segmentName(tl, seg * SEG, SEG);
            Map<String, String> props = type == BackupType.LOGICAL ? Map.of()
                    : Map.of("startWalFile", start, "timeline", Long.toString(tl));
            Instant finished = t.plus(Duration.ofMinutes(1 + r.nextInt(60)));
            backups.add(new BackupManifest(1, id, type, parent, "sys", "postgresql", t, finished, props, Map.of(),
                    List.of(), 1000, 100));
            if (type != BackupType.LOGICAL) {
                last = id;
                if (type == BackupType.FULL) {
                    lastFull = id;
                }
            }
            long segs = 1 + r.nextInt(30);
            for (long k = 0; k < segs; k++) {
                String name = WalNames.segmentName(tl, (seg + k) * SEG, SEG);
                wal.add(new WalSegment(String.format("%08X", tl), name, "0".repeat(64), "wal/" + name, 10, false));
            }
            seg += segs;
            t = finished.plus(Duration.ofMinutes(1 + r.nextInt(3 * 24 * 60)));
        }
        if (backups.isEmpty()) {
            return generate(seed + 1);
        }
        return new History(backups, wal);
    }

    static final java.time.format.DateTimeFormatter BackupIdFormat =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
}
