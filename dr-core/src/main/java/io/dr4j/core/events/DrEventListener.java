package io.dr4j.core.events;

/**
 * Receives {@link DrEvent}s, synchronously, on the thread doing the work (a backup, a restore, the WAL archiver's
 * uploader). Keep it fast; hand slow work to an executor. A listener that throws is logged and counted
 * ({@link DrEvents#listenerFailures()}); the backup, restore or archiving goes on as if nothing happened.
 *
 * <p>Register listeners with {@code DisasterRecovery.configure().listener(...)},
 * {@code RepositoryOptions.withListener(...)} or {@code repository.events().add(...)}.
 */
@FunctionalInterface
public interface DrEventListener {

    /** Called once per event; use {@code instanceof} on the {@link DrEvent} records you care about. */
    void onEvent(DrEvent event);
}
