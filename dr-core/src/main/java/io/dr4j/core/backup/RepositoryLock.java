package io.dr4j.core.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock object in the repository ({@code locks/<name>.json}, created with a create-only write, so only one holder
 * wins on every store) that keeps two backups, or a backup and an expiry, from running at once. The holder
 * refreshes a heartbeat; a lock whose heartbeat is older than the stale period, or whose holder process on this
 * host is gone, is stale and broken by the next taker (with a warning naming the old holder).
 */
public final class RepositoryLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RepositoryLock.class);
    /** Default: a holder that has not refreshed for this long is considered dead. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(5);
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dr4j-lock-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** What is stored in the lock object. */
    public record Holder(String token, String purpose, String host, long pid, Instant acquiredAt, Instant heartbeatAt) {
        @Override
        public String toString() {
            return purpose + " (host " + host + ", pid " + pid + ", since " + acquiredAt + ", last heartbeat "
                    + heartbeatAt + ")";
        }
    }

    private final Repository repository;
    private final String key;
    private final Holder holder;
    private final Duration staleAfter;
    private final ScheduledFuture<?> heartbeat;
    private volatile boolean lost;
    private volatile boolean released;

    private RepositoryLock(Repository repository, String key, Holder holder, Duration staleAfter) {
        this.repository = repository;
        this.key = key;
        this.holder = holder;
        this.staleAfter = staleAfter;
        long every = Math.max(1000, staleAfter.toMillis() / 4);
        this.heartbeat = HEARTBEATS.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock {@code name}, waiting up to {@code wait} for the current holder.
     *
     * @throws RepositoryLockedException naming the holder when it is still held after {@code wait}
     */
    public static RepositoryLock acquire(Repository repository, String name, String purpose, Duration wait,
                                         Duration staleAfter) {
        Objects.requireNonNull(purpose, "purpose");
        String key = "locks/" + name + ".json";
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Instant now = Instant.now();
            Holder me = new Holder(UUID.randomUUID().toString(), purpose, host(), ProcessHandle.current().pid(), now, now);
            try {
                repository.target().put(key, new ByteArrayInputStream(Json.write(me)), WriteOptions.createNew());
                return new RepositoryLock(repository, key, me, staleAfter);
            } catch (ObjectAlreadyExistsException held) {
                Optional<Holder> current = read(repository, key);
                if (current.isEmpty()) {
                    continue; // released meanwhile
                }
                Holder h = current.get();
                if (isStale(h, staleAfter)) {
                    log.warn("Breaking the stale repository lock {} of {}", key, h);
                    Optional<Holder> again = read(repository, key);
                    if (again.isPresent() && again.get().token().equals(h.token())) {
                        repository.target().delete(key);
                    }
                    continue;
                }
                if (System.nanoTime() >= deadline) {
                    throw new RepositoryLockedException("The repository at " + repository.target().location()
                            + " is locked by " + h + ". Wait for it to finish; if that process died, its lock "
                            + "becomes stale " + staleAfter.toMinutes() + " minutes after its last heartbeat");
                }
                sleep(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }
    }

    static Optional<Holder> read(Repository repository, String key) {
        try (InputStream in = repository.target().get(key)) {
            return Optional.of(Json.read(in.readNBytes(64 * 1024), Holder.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RepositoryException("Repository lock " + key + " is unreadable: " + e.getMessage()
                    + ". Remove it by hand if no backup is running", e);
        }
    }

    static boolean isStale(Holder h, Duration staleAfter) {
        if (h.heartbeatAt().plus(staleAfter).isBefore(Instant.now())) {
            return true;
        }
        // same host: a holder whose process is gone is stale at once
        return h.host().equals(host()) && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException("Interrupted while waiting for the repository lock", e);
        }
    }

    private void beat() {
        if (released || lost) {
            return;
        }
        try {
            Optional<Holder> current = read(repository, key);
            if (current.isEmpty() || !current.get().token().equals(holder.token())) {
                lost = true;
                log.error("The repository lock {} was taken over by {}; {} must not commit", key,
                        current.map(Holder::toString).orElse("nobody"), holder.purpose());
                return;
            }
            Holder next = new Holder(holder.token(), holder.purpose(), holder.host(), holder.pid(), holder.acquiredAt(),
                    Instant.now());
            repository.target().put(key, new ByteArrayInputStream(Json.write(next)), WriteOptions.replaceExisting());
        } catch (RuntimeException e) {
            log.warn("Could not refresh the repository lock {}: {}", key, e.getMessage());
        }
    }

    /** The holder record of this lock. */
    public Holder holder() {
        return holder;
    }

    /**
     * Throws when this lock was lost (broken as stale by another process): what it protects must not be committed.
     */
    public void checkHeld() {
        if (lost) {
            throw new RepositoryLockedException("The repository lock " + key + " of " + holder.purpose()
                    + " was broken by another process while it ran (heartbeats failed for " + staleAfter
                    + "); nothing more is written");
        }
    }

    /** Releases the lock (idempotent). */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        heartbeat.cancel(false);
        try {
            Optional<Holder> current = read(repository, key);
            if (current.isPresent() && current.get().token().equals(holder.token())) {
                repository.target().delete(key);
            }
        } catch (StorageException | RepositoryException e) {
            log.warn("Could not release the repository lock {}: {}; it becomes stale by itself", key, e.getMessage());
        }
    }

    /** The repository is locked by another backup or expiry. */
    public static final class RepositoryLockedException extends RepositoryException {
        private static final long serialVersionUID = 1L;

        public RepositoryLockedException(String message) {
            super(message);
        }
    }
}
