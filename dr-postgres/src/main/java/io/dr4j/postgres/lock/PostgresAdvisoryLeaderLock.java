package io.dr4j.postgres.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.monitor.ConnectionSource;
import io.dr4j.core.schedule.LeaderLock;
import io.dr4j.core.schedule.LeaderLockException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaderLock} on PostgreSQL session-level advisory locks ({@code pg_try_advisory_lock}) held on one
 * dedicated connection. Every replica of a service points at the same database; whoever's session holds the lock
 * runs the job. When the holder dies or its connection drops, PostgreSQL releases the lock at once (no lease to
 * expire), and {@link Lease#isValid()} of the lost lease turns false.
 *
 * <p>The lock key is the first 8 bytes of SHA-256 of {@code namespace + ":" + lockName} as a signed 64-bit number,
 * so unrelated applications using advisory locks on the same database do not collide by accident. Session locks are
 * re-entrant in PostgreSQL; this class refuses a second lease on a lock its session already holds, so two jobs of
 * one process cannot both "win".
 *
 * <pre>{@code
 * LeaderLock lock = new PostgresAdvisoryLeaderLock(() -> dataSource.getConnection(), "db.example:5432/app");
 * Scheduler scheduler = Scheduler.builder().leaderLock(lock)...build();
 * }</pre>
 */
public final class PostgresAdvisoryLeaderLock implements LeaderLock {
    private static final Logger log = LoggerFactory.getLogger(PostgresAdvisoryLeaderLock.class);

    private final ConnectionSource connections;
    private final String description;
    private final String namespace;
    private final Map<String, AdvisoryLease> held = new HashMap<>();
    private Connection connection;
    private long generation;

    /**
     * @param connections opens the lock's dedicated connection (re-opened when it dropped)
     * @param description where it points, without credentials, e.g. {@code db.example:5432/app} (for messages)
     */
    public PostgresAdvisoryLeaderLock(ConnectionSource connections, String description) {
        this(connections, description, "dr4j");
    }

    /** With a key namespace of its own (different applications sharing one database). */
    public PostgresAdvisoryLeaderLock(ConnectionSource connections, String description, String namespace) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.description = Objects.requireNonNull(description, "description");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    public String name() {
        return "postgres-advisory:" + description;
    }

    /** The advisory lock key used for {@code lockName} (visible in {@code pg_locks} as classid/objid). */
    public long key(String lockName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((namespace + ":" + lockName).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized Optional<Lease> tryAcquire(String lockName) {
        Objects.requireNonNull(lockName, "lockName");
        AdvisoryLease existing = held.get(lockName);
        if (existing != null && existing.isValid()) {
            return Optional.empty(); // held by this process already (another job of ours runs)
        }
        held.remove(lockName);
        long key = key(lockName);
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                ps.setQueryTimeout(30);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        log.debug("Advisory lock {} ({}) is held by another session", lockName, key);
                        return Optional.empty();
                    }
                }
            }
            AdvisoryLease lease = new AdvisoryLease(lockName, key, generation);
            held.put(lockName, lease);
            log.info("Acquired leader lock {} on {}", lockName, description);
            return Optional.of(lease);
        } catch (SQLException e) {
            dropConnection();
            throw new LeaderLockException("Could not ask PostgreSQL at " + description + " for the advisory lock "
                    + lockName + ": " + e.getMessage() + ". Check that the database is reachable; no lock is held", e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection != null && !connection.isClosed() && connection.isValid(5)) {
            return connection;
        }
        if (connection != null) {
            log.warn("Connection of leader lock {} was lost: its locks are released", description);
            dropConnection();
        }
        connection = connections.open();
        connection.setAutoCommit(true);
        generation++;
        return connection;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
            connection = null;
        }
        generation++; // every lease of the old session is lost
    }

    private synchronized boolean valid(AdvisoryLease lease) {
        if (lease.released || lease.generation != generation || connection == null) {
            return false;
        }
        try {
            if (connection.isClosed() || !connection.isValid(5)) {
                dropConnection();
                return false;
            }
            return true;
        } catch (SQLException e) {
            dropConnection();
            return false;
        }
    }

    private synchronized void release(AdvisoryLease lease) {
        if (lease.released) {
            return;
        }
        lease.released = true;
        held.remove(lease.lockName, lease);
        if (lease.generation != generation || connection == null) {
            return; // the session ended: PostgreSQL released it already
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, lease.key);
            ps.setQueryTimeout(30);
            ps.execute();
            log.info("Released leader lock {} on {}", lease.lockName, description);
        } catch (SQLException e) {
            log.warn("Could not release advisory lock {} on {} ({}); closing the session releases it", lease.lockName,
                    description, e.getMessage());
            dropConnection();
        }
    }

    /** Closes the dedicated connection, which releases every lock it holds. */
    @Override
    public synchronized void close() {
        held.values().forEach(l -> l.released = true);
        held.clear();
        dropConnection();
    }

    @Override
    public String toString() {
        return "PostgresAdvisoryLeaderLock[" + description + "]";
    }

    private final class AdvisoryLease implements Lease {
        final String lockName;
        final long key;
        final long generation;
        volatile boolean released;

        AdvisoryLease(String lockName, long key, long generation) {
            this.lockName = lockName;
            this.key = key;
            this.generation = generation;
        }

        @Override
        public String lockName() {
            return lockName;
        }

        @Override
        public boolean isValid() {
            return valid(this);
        }

        @Override
        public void close() {
            release(this);
        }
    }
}
