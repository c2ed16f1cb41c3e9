package io.dr4j.core.backup.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.backup.WalSegment;

import org.jspecify.annotations.Nullable;

/**
 * Decides what to keep: a pure function of the backups, the archived WAL, the policy and the time, so that it can be
 * tested over thousands of generated histories.
 */
public final class RetentionPlanner {
    private RetentionPlanner() {
    }

    /**
     * Plans an expiry.
     *
     * @param backups  complete backups (any order)
     * @param wal      archived WAL files of every timeline
     * @param policy   the policy
     * @param now      the current time
     * @param verified ids of backups whose last verification passed
     * @param locks    ids of backups whose objects are locked, with the date the lock ends
     * @throws RetentionException when the policy would keep no backup of a kind that has backups
     */
    public static ExpiryPlan plan(List<BackupManifest> backups, List<WalSegment> wal, RetentionPolicy policy,
                                  Instant now, Set<String> verified, Map<String, Instant> locks) {
        List<BackupManifest> sorted = new ArrayList<>(backups);
        sorted.sort(Comparator.comparing(BackupManifest::finishedAt).thenComparing(BackupManifest::id));
        Map<String, BackupManifest> byId = new HashMap<>();
        sorted.forEach(b -> byId.put(b.id(), b));

        Map<String, String> keep = new LinkedHashMap<>();
        for (boolean logical : new boolean[] {false, true}) {
            List<BackupManifest> group = sorted.stream().filter(b -> (b.type() == BackupType.LOGICAL) == logical).toList();
            if (group.isEmpty()) {
                continue;
            }
            Map<String, String> anchors = new LinkedHashMap<>();
            select(policy, group, now, anchors);
            if (anchors.isEmpty()) {
                throw new RetentionException("The retention policy " + describe(policy) + " would delete every "
                        + (logical ? "logical" : "physical") + " backup (the newest finished "
                        + group.get(group.size() - 1).finishedAt() + "). Nothing was deleted. Check the policy and "
                        + "whether backups have been failing");
            }
            anchors.forEach(keep::putIfAbsent);
            BackupManifest newest = group.get(group.size() - 1);
            keep.putIfAbsent(newest.id(), "newest backup");
            for (int i = group.size() - 1; i >= 0; i--) {
                if (verified.contains(group.get(i).id())) {
                    keep.putIfAbsent(group.get(i).id(), "newest verified backup");
                    break;
                }
            }
        }
        // locked backups cannot be deleted: keep them, with their dependencies
        Map<String, String> locked = new TreeMap<>();
        for (BackupManifest b : sorted) {
            Instant until = locks.get(b.id());
            if (!keep.containsKey(b.id()) && until != null && until.isAfter(now)) {
                locked.put(b.id(), until.toString());
                keep.put(b.id(), "locked until " + until);
            }
        }
        // closure: everything a kept backup depends on
        List<String> todo = new ArrayList<>(keep.keySet());
        while (!todo.isEmpty()) {
            BackupManifest b = byId.get(todo.remove(todo.size() - 1));
            if (b == null) {
                continue;
            }
            for (String dep : b.referencedBackups()) {
                if (byId.containsKey(dep) && !keep.containsKey(dep)) {
                    keep.put(dep, "needed by " + b.id());
                    todo.add(dep);
                }
            }
        }
        List<String> delete = new ArrayList<>();
        long bytes = 0;
        for (BackupManifest b : sorted) {
            if (!keep.containsKey(b.id())) {
                delete.add(b.id());
                bytes += b.storedSize();
            }
        }
        // WAL: keep from the oldest kept physical backup's first segment on (every timeline); never history files
        String keptFrom = null;
        boolean unknownStart = false;
        for (BackupManifest b : sorted) {
            if (b.type() == BackupType.LOGICAL || !keep.containsKey(b.id())) {
                continue;
            }
            Optional<String> start = WalNames.startSegment(b);
            if (start.isEmpty()) {
                unknownStart = true;
                continue;
            }
            String pos = WalNames.position(start.get());
            if (keptFrom == null || pos.compareTo(keptFrom) < 0) {
                keptFrom = pos;
            }
        }
        List<WalSegment> walToDelete = new ArrayList<>();
        if (keptFrom != null && !unknownStart) {
            for (WalSegment w : wal) {
                if (w.name().endsWith(".history")) {
                    continue;
                }
                if (WalNames.position(w.name()).compareTo(keptFrom) < 0) {
                    walToDelete.add(w);
                    bytes += w.storedSize();
                }
            }
        }
        return new ExpiryPlan(keep, delete, locked, walToDelete, keptFrom, List.of(), bytes);
    }

    private static void select(RetentionPolicy policy, List<BackupManifest> group, Instant now, Map<String, String> out) {
        if (policy instanceof RetentionPolicy.KeepFor k) {
            Instant from = now.minus(k.age());
            for (BackupManifest b : group) {
                if (!b.finishedAt().isBefore(from)) {
                    out.putIfAbsent(b.id(), "younger than " + describe(k));
                }
            }
        } else if (policy instanceof RetentionPolicy.KeepLast k) {
            List<BackupManifest> roots = group.stream()
                    .filter(b -> b.type() == BackupType.FULL || b.type() == BackupType.LOGICAL).toList();
            List<BackupManifest> newest = roots.subList(Math.max(0, roots.size() - k.count()), roots.size());
            Set<String> kept = new LinkedHashSet<>();
            for (BackupManifest b : newest) {
                kept.add(b.id());
                out.putIfAbsent(b.id(), "one of the newest " + k.count());
            }
            // diffs and incrs built on a kept full
            for (BackupManifest b : group) {
                if (b.type() == BackupType.DIFF || b.type() == BackupType.INCR) {
                    String root = root(b, group);
                    if (root != null && kept.contains(root)) {
                        out.putIfAbsent(b.id(), "built on kept full " + root);
                    }
                }
            }
        } else if (policy instanceof RetentionPolicy.GrandfatherFatherSon g) {
            newestPer(group, RetentionPlanner::day, g.daily(), "daily", out);
            newestPer(group, b -> {
                LocalDate d = day(b);
                return d.get(IsoFields.WEEK_BASED_YEAR) * 100L + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            }, g.weekly(), "weekly", out);
            newestPer(group, b -> day(b).withDayOfMonth(1), g.monthly(), "monthly", out);
        } else if (policy instanceof RetentionPolicy.PitrWindow p) {
            Instant from = now.minus(p.window());
            BackupManifest base = null;
            for (BackupManifest b : group) {
                if (!b.finishedAt().isAfter(from)) {
                    base = b;
                } else {
                    out.putIfAbsent(b.id(), "inside the PITR window");
                }
            }
            if (base != null) {
                out.putIfAbsent(base.id(), "base of the PITR window");
            }
        } else if (policy instanceof RetentionPolicy.AnyOf a) {
            a.policies().forEach(x -> select(x, group, now, out));
        }
    }

    private static LocalDate day(BackupManifest b) {
        return LocalDate.ofInstant(b.finishedAt(), ZoneOffset.UTC);
    }

    private static <K> void newestPer(List<BackupManifest> group, Function<BackupManifest, K> period, int count,
                                      String what, Map<String, String> out) {
        if (count <= 0) {
            return;
        }
        Map<K, BackupManifest> newest = new LinkedHashMap<>();
        for (BackupManifest b : group) {
            newest.put(period.apply(b), b); // group is sorted: the last one wins
        }
        List<BackupManifest> picks = new ArrayList<>(newest.values());
        for (BackupManifest b : picks.subList(Math.max(0, picks.size() - count), picks.size())) {
            out.putIfAbsent(b.id(), what);
        }
    }

    private static @Nullable String root(BackupManifest b, List<BackupManifest> group) {
        Map<String, BackupManifest> byId = new HashMap<>();
        group.forEach(x -> byId.put(x.id(), x));
        BackupManifest cur = b;
        int guard = 0;
        while (cur != null && cur.type() != BackupType.FULL && guard++ < 100_000) {
            cur = cur.parentId() == null ? null : byId.get(cur.parentId());
        }
        return cur == null ? null : cur.id();
    }

    static String describe(RetentionPolicy p) {
        if (p instanceof RetentionPolicy.KeepFor k) {
            return k.age().toHours() % 24 == 0 ? k.age().toDays() + " days" : k.age().toString();
        }
        if (p instanceof RetentionPolicy.KeepLast k) {
            return "keep the last " + k.count();
        }
        if (p instanceof RetentionPolicy.GrandfatherFatherSon g) {
            return "gfs daily " + g.daily() + " weekly " + g.weekly() + " monthly " + g.monthly();
        }
        if (p instanceof RetentionPolicy.PitrWindow w) {
            return "PITR window " + w.window();
        }
        return String.join(" + ", ((RetentionPolicy.AnyOf) p).policies().stream().map(RetentionPlanner::describe).toList());
    }
}
