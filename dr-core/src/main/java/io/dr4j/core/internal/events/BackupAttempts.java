package io.dr4j.core.internal.events;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.events.DrEvent;
import io.dr4j.core.events.DrEvents;

import org.jspecify.annotations.Nullable;

/**
 * Ties a backup session to the {@link DrEvents#observeBackup} call around it (same thread, same repository), so
 * that a failed backup is reported once, with the reason only the caller's exception carries. A session outside
 * any observed attempt reports its own abort, with a reason saying that none was given.
 */
public final class BackupAttempts {
    private static final ThreadLocal<@Nullable Attempt> CURRENT = new ThreadLocal<>();

    private BackupAttempts() {
    }

    private static final class Attempt {
        final DrEvents events;
        final BackupType requested;
        final Instant startedAt;
        final long t0 = System.nanoTime();
        @Nullable String backupId;
        @Nullable String type;
        @Nullable Instant sessionStartedAt;
        boolean completed;

        Attempt(DrEvents events, BackupType requested, Instant startedAt) {
            this.events = events;
            this.requested = requested;
            this.startedAt = startedAt;
        }
    }

    public static <T> T observe(DrEvents events, BackupType requested, Supplier<T> work) {
        Attempt outer = CURRENT.get();
        if (outer != null && outer.events == events) {
            return work.get(); // nested: the outer call reports
        }
        Attempt a = new Attempt(events, requested, events.clock().instant());
        CURRENT.set(a);
        try {
            T result = work.get();
            if (a.backupId != null && !a.completed) {
                events.fire(new DrEvent.BackupFailed(events.system(), a.backupId, a.type != null ? a.type
                        : requested.id(), a.sessionStartedAt != null ? a.sessionStartedAt : a.startedAt,
                        Duration.ofNanos(System.nanoTime() - a.t0), "Backup " + a.backupId + " ended without "
                        + "writing its manifest", events.clock().instant()));
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (!a.completed) {
                String id = a.backupId != null ? a.backupId : BackupId.generate(a.startedAt, requested);
                String type = a.type != null ? a.type : requested.id();
                Instant started = a.sessionStartedAt != null ? a.sessionStartedAt : a.startedAt;
                events.fire(new DrEvent.BackupFailed(events.system(), id, type, started,
                        Duration.ofNanos(System.nanoTime() - a.t0), DrEvents.reason(e), events.clock().instant()));
            }
            throw e;
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    private static @Nullable Attempt current(DrEvents events) {
        Attempt a = CURRENT.get();
        return a != null && a.events == events ? a : null;
    }

    /** The type a backup id names ({@code <time>-<type>}), else the observed attempt's, else {@code unknown}. */
    public static String typeOf(DrEvents events, String backupId) {
        int dash = backupId.lastIndexOf('-');
        if (dash >= 0) {
            try {
                return BackupType.parse(backupId.substring(dash + 1)).id();
            } catch (RuntimeException notAType) {
                // a custom id
            }
        }
        Attempt a = current(events);
        return a != null ? a.requested.id() : "unknown";
    }

    /** A session began: fires {@link DrEvent.BackupStarted}. */
    public static void started(DrEvents events, String backupId, Instant at) {
        String type = typeOf(events, backupId);
        Attempt a = current(events);
        if (a != null) {
            a.backupId = backupId;
            a.type = type;
            a.sessionStartedAt = at;
            a.completed = false;
        }
        events.fire(new DrEvent.BackupStarted(events.system(), backupId, type, at));
    }

    /** A session committed its manifest: fires {@link DrEvent.BackupCompleted}. */
    public static void committed(DrEvents events, BackupManifest manifest) {
        Attempt a = current(events);
        if (a != null && manifest.id().equals(a.backupId)) {
            a.completed = true;
        }
        events.fire(new DrEvent.BackupCompleted(events.system(), manifest, events.clock().instant()));
    }

    /**
     * A session was closed without a commit. Inside an observed attempt the attempt reports it (with the
     * exception's message); otherwise it is reported here.
     */
    public static void aborted(DrEvents events, String backupId, Instant startedAt, long startNanos) {
        Attempt a = current(events);
        if (a != null && backupId.equals(a.backupId)) {
            return;
        }
        events.fire(new DrEvent.BackupFailed(events.system(), backupId, typeOf(events, backupId), startedAt,
                Duration.ofNanos(System.nanoTime() - startNanos), "Backup " + backupId + " was abandoned before its "
                + "manifest was written; the backup source reported no reason here (see its log and the exception it "
                + "threw)", events.clock().instant()));
    }
}
