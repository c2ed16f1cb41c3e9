package io.dr4j.core.backup.retention;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;

/**
 * Which backups to keep. A policy chooses <em>anchor</em> backups; every backup an anchor depends on (its chain)
 * is kept too, the newest backup and the newest verified backup are always kept, and WAL is kept from the oldest
 * kept physical backup onward. Policies apply to physical backups (full/diff/incr) and to logical backups
 * separately.
 */
public sealed interface RetentionPolicy {

    /** The seed's default: 30 days. */
    RetentionPolicy DEFAULT = keepFor(Duration.ofDays(30));

    /** Keep the backups that finished within {@code age} of now. */
    record KeepFor(Duration age) implements RetentionPolicy {
        public KeepFor {
            Objects.requireNonNull(age, "age");
            if (age.isNegative() || age.isZero()) {
                throw new ConfigurationException("Retention age must be positive, was " + age
                        + "; a zero age would delete every backup");
            }
        }
    }

    /** Keep the newest {@code count} full backups (and the diffs and incrs built on them); logical: newest count. */
    record KeepLast(int count) implements RetentionPolicy {
        public KeepLast {
            if (count < 1) {
                throw new ConfigurationException("Retention count must be at least 1, was " + count
                        + "; keeping no backup would delete every backup");
            }
        }
    }

    /**
     * Grandfather-father-son: the newest backup of each of the last {@code daily} days, {@code weekly} ISO weeks and
     * {@code monthly} months (UTC) that have backups.
     */
    record GrandfatherFatherSon(int daily, int weekly, int monthly) implements RetentionPolicy {
        public GrandfatherFatherSon {
            if (daily < 0 || weekly < 0 || monthly < 0 || daily + weekly + monthly == 0) {
                throw new ConfigurationException("Grandfather-father-son retention needs non-negative counts and at "
                        + "least one above zero, was daily=" + daily + " weekly=" + weekly + " monthly=" + monthly);
            }
        }
    }

    /**
     * Point-in-time window: every moment of the last {@code window} stays restorable — the backups that finished in
     * the window, the newest one finished before it, and all WAL from that one on.
     */
    record PitrWindow(Duration window) implements RetentionPolicy {
        public PitrWindow {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new ConfigurationException("PITR window must be positive, was " + window);
            }
        }
    }

    /** Keeps what any of the policies keeps. */
    record AnyOf(List<RetentionPolicy> policies) implements RetentionPolicy {
        public AnyOf {
            policies = List.copyOf(policies);
            if (policies.isEmpty()) {
                throw new ConfigurationException("AnyOf needs at least one retention policy");
            }
        }
    }

    static RetentionPolicy keepFor(Duration age) {
        return new KeepFor(age);
    }

    static RetentionPolicy keepLast(int count) {
        return new KeepLast(count);
    }

    static RetentionPolicy gfs(int daily, int weekly, int monthly) {
        return new GrandfatherFatherSon(daily, weekly, monthly);
    }

    static RetentionPolicy pitrWindow(Duration window) {
        return new PitrWindow(window);
    }

    /**
     * Parses {@code 30d}, {@code keep-last:7}, {@code gfs:7,4,12}, {@code pitr:14d}, comma-free combinations joined
     * with {@code +} ({@code pitr:7d+gfs:7,4,12}).
     */
    static RetentionPolicy parse(String spec) {
        String s = spec.trim();
        if (s.contains("+")) {
            return new AnyOf(java.util.Arrays.stream(s.split("\\+")).map(RetentionPolicy::parse).toList());
        }
        try {
            if (s.startsWith("keep-last:")) {
                return keepLast(Integer.parseInt(s.substring(10).trim()));
            }
            if (s.startsWith("gfs:")) {
                String[] p = s.substring(4).split(",");
                if (p.length != 3) {
                    throw new ConfigurationException("gfs retention needs three counts: gfs:DAILY,WEEKLY,MONTHLY");
                }
                return gfs(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
            }
            if (s.startsWith("pitr:")) {
                return pitrWindow(io.dr4j.core.config.ProviderConfig.parseDuration(s.substring(5)));
            }
            if (s.startsWith("age:")) {
                s = s.substring(4);
            }
            return keepFor(io.dr4j.core.config.ProviderConfig.parseDuration(s));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new ConfigurationException("Unknown retention policy '" + spec + "'. Use e.g. 30d, keep-last:7, "
                    + "gfs:7,4,12, pitr:14d or combinations joined with '+'", e);
        }
    }
}
