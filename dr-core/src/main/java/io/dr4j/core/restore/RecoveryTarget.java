package io.dr4j.core.restore;

import java.time.Instant;
import java.util.Objects;

/**
 * Where point-in-time recovery stops. PostgreSQL terms: {@code recovery_target_time}, {@code _lsn}, {@code _xid},
 * {@code _name}, {@code recovery_target = 'immediate'}, or no target (replay all archived WAL).
 */
public sealed interface RecoveryTarget {

    /** Replay every archived WAL segment (the newest restorable point). */
    record Latest() implements RecoveryTarget {
    }

    /** Stop as soon as the backup is consistent. */
    record Immediate() implements RecoveryTarget {
    }

    /** Stop at a commit time. {@code inclusive}: include transactions committed exactly at {@code time}. */
    record Time(Instant time, boolean inclusive) implements RecoveryTarget {
        public Time {
            Objects.requireNonNull(time, "time");
        }
    }

    /** Stop at a WAL location, e.g. {@code 0/3000060}. */
    record Lsn(String lsn, boolean inclusive) implements RecoveryTarget {
        public Lsn {
            if (!lsn.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                throw new IllegalArgumentException("Not a WAL location: '" + lsn + "'. Expected hex 'X/Y', e.g. 0/3000060");
            }
        }
    }

    /** Stop after (or before) a transaction id. */
    record Xid(long xid, boolean inclusive) implements RecoveryTarget {
        public Xid {
            if (xid <= 2) {
                throw new IllegalArgumentException("Transaction id must be a normal xid (> 2), was " + xid);
            }
        }
    }

    /** Stop at a restore point made with {@code pg_create_restore_point(name)}. */
    record Name(String name) implements RecoveryTarget {
        public Name {
            if (name.isBlank()) {
                throw new IllegalArgumentException("Restore point name must not be blank");
            }
        }
    }

    static RecoveryTarget latest() {
        return new Latest();
    }

    static RecoveryTarget immediate() {
        return new Immediate();
    }

    static RecoveryTarget time(Instant time) {
        return new Time(time, true);
    }

    static RecoveryTarget lsn(String lsn) {
        return new Lsn(lsn, true);
    }

    static RecoveryTarget xid(long xid) {
        return new Xid(xid, true);
    }

    static RecoveryTarget name(String name) {
        return new Name(name);
    }
}
