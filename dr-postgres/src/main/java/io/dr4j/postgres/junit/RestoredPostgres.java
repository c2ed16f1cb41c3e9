package io.dr4j.postgres.junit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dr4j.core.backup.BackupType;
import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * A backup restored for a test: a running PostgreSQL holding the restored data, and how to reach it. Handed to the
 * test by {@link PostgresRestoreExtension} (parameter or field), which stops it after the class (or method).
 *
 * <pre>{@code
 * @Test
 * void ordersAreBack(@RestoredDatabase(repository = "${DR_TEST_REPOSITORY}") RestoredPostgres db) throws Exception {
 *     try (Connection c = db.connect()) { ... }
 * }
 * }</pre>
 */
public final class RestoredPostgres implements AutoCloseable {
    private final String backupId;
    private final BackupType backupType;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final @Nullable Secret password;
    private final String scratch;
    private final @Nullable String recoveredToLsn;
    private final Duration restoreDuration;
    private final AutoCloseable teardown;
    private final AtomicBoolean stopped = new AtomicBoolean();

    RestoredPostgres(String backupId, BackupType backupType, String host, int port, String database, String user,
                     @Nullable Secret password, String scratch, @Nullable String recoveredToLsn,
                     Duration restoreDuration, AutoCloseable teardown) {
        this.backupId = backupId;
        this.backupType = backupType;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.scratch = scratch;
        this.recoveredToLsn = recoveredToLsn;
        this.restoreDuration = restoreDuration;
        this.teardown = teardown;
    }

    /** {@code jdbc:postgresql://host:port/database} of the restored database (no credentials in it). */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /** The JDBC URL of another database of the restored server. */
    public String jdbcUrl(String db) {
        Objects.requireNonNull(db, "db");
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + db;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The database the test works with (the restored one). */
    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The password of {@link #user()}, when the server wants one. */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** The backup that was restored. */
    public String backupId() {
        return backupId;
    }

    public BackupType backupType() {
        return backupType;
    }

    /** Where it runs, e.g. {@code "machine binaries PostgreSQL 15.18"} or {@code "container dr4j/postgres-local:15"}. */
    public String scratch() {
        return scratch;
    }

    /** For a point-in-time recovery, the WAL location recovery ended at. */
    public Optional<String> recoveredToLsn() {
        return Optional.ofNullable(recoveredToLsn);
    }

    /** How long the restore took (download, recovery or pg_restore): the RTO of this database, measured. */
    public Duration restoreDuration() {
        return restoreDuration;
    }

    /** A new connection to {@link #database()} as {@link #user()}. */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    /** A new connection to another database of the restored server. */
    public Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "dr4j-test");
        return DriverManager.getConnection(jdbcUrl(db), p);
    }

    /** Whether {@link #stop()} has run. */
    public boolean isStopped() {
        return stopped.get();
    }

    /** Stops the server and removes the restored files (or container); the extension calls it, once is enough. */
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            try {
                teardown.close();
            } catch (Exception e) {
                throw new RestoredDatabaseException("Could not stop the restored database " + this + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RestoredPostgres[backup " + backupId + " (" + backupType.id() + ") at " + user + "@" + host + ":"
                + port + "/" + database + " on " + scratch + "]";
    }
}
