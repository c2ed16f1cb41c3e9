package io.dr4j.core.events;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.internal.events.BackupAttempts;
import io.dr4j.core.restore.RestoreResult;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one repository ({@code repository.events()}) and the way library code reports to them. Calls
 * each listener in registration order on the calling thread; a listener that throws is logged at WARN, counted
 * ({@link #listenerFailures()}, and process-wide {@link #totalListenerFailures()}, which {@code DrMetrics} publishes
 * as {@code dr4j.events.listener.failures}) and skipped: the work that fired the event never fails because of it.
 *
 * <p>Backup sources wrap their work in {@link #observeBackup} so that a failure is reported with its reason (the
 * exception's message), including failures before any object was written; the backup session reports start and
 * completion. Restore strategies wrap theirs in {@link #observeRestore}.
 */
public final class DrEvents {
    private static final Logger log = LoggerFactory.getLogger(DrEvents.class);
    private static final AtomicLong TOTAL_FAILURES = new AtomicLong();

    private final String system;
    private final Clock clock;
    private final List<DrEventListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();

    public DrEvents(String system, List<? extends DrEventListener> listeners) {
        this(system, listeners, Clock.systemUTC());
    }

    public DrEvents(String system, List<? extends DrEventListener> listeners, Clock clock) {
        this.system = Objects.requireNonNull(system, "system");
        this.clock = Objects.requireNonNull(clock, "clock");
        listeners.forEach(this::add);
    }

    /** The repository's system identifier, named by every event. */
    public String system() {
        return system;
    }

    /** The clock events are stamped with. */
    public Clock clock() {
        return clock;
    }

    /** Adds a listener (also after the repository was opened). */
    public DrEvents add(DrEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public boolean remove(DrEventListener listener) {
        return listeners.remove(listener);
    }

    public List<DrEventListener> listeners() {
        return List.copyOf(listeners);
    }

    /** Delivers an event to every listener; never throws because of a listener. */
    public void fire(DrEvent event) {
        Objects.requireNonNull(event, "event");
        for (DrEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException | LinkageError e) {
                failures.incrementAndGet();
                TOTAL_FAILURES.incrementAndGet();
                log.warn("Event listener {} failed on {} of system {} ({}); the {} goes on", l.getClass().getName(),
                        event.getClass().getSimpleName(), system, e.toString(), work(event));
                log.debug("Listener failure", e);
            }
        }
    }

    private static String work(DrEvent e) {
        String n = e.getClass().getSimpleName();
        return n.startsWith("Backup") ? "backup" : n.startsWith("Restore") ? "restore"
                : n.startsWith("Wal") ? "WAL archiving" : "work";
    }

    /** Listener calls of this repository that threw. */
    public long listenerFailures() {
        return failures.get();
    }

    /** Listener calls that threw, in this process (all repositories). */
    public static long totalListenerFailures() {
        return TOTAL_FAILURES.get();
    }

    /**
     * Runs a backup and reports its failure: when {@code backup} throws before the backup's manifest was written,
     * a {@link DrEvent.BackupFailed} with the exception's message is fired (with the id of the session it began, or
     * the id it would have had), then the exception is rethrown unchanged. {@link DrEvent.BackupStarted} and
     * {@link DrEvent.BackupCompleted} come from the backup session. Nested calls on the same thread report once.
     *
     * @param requested the type asked for (the session's id says which type was taken)
     */
    public BackupResult observeBackup(BackupType requested, Supplier<BackupResult> backup) {
        Objects.requireNonNull(requested, "requested");
        return BackupAttempts.observe(this, requested, backup);
    }

    /**
     * Runs a restore and fires {@link DrEvent.RestoreCompleted} with its result or {@link DrEvent.RestoreFailed}
     * with the exception's message (then rethrows it unchanged).
     */
    public RestoreResult observeRestore(String strategy, @Nullable String backupId, Supplier<RestoreResult> restore) {
        Objects.requireNonNull(strategy, "strategy");
        long t0 = System.nanoTime();
        RestoreResult r;
        try {
            r = restore.get();
        } catch (RuntimeException | Error e) {
            fire(new DrEvent.RestoreFailed(system, strategy, backupId, Duration.ofNanos(System.nanoTime() - t0),
                    reason(e), clock.instant()));
            throw e;
        }
        fire(new DrEvent.RestoreCompleted(system, strategy, r, clock.instant()));
        return r;
    }

    /** Reports a WAL file stored in the repository; {@code lagBytes} -1 when unknown. */
    public void walArchived(String name, boolean partial, long lagBytes) {
        fire(new DrEvent.WalArchived(system, name, partial, lagBytes, clock.instant()));
    }

    /** The message of an exception as a failure reason: its message, else its type. */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    @Override
    public String toString() {
        return "DrEvents[" + system + ", " + listeners.size() + " listeners]";
    }
}
