package io.dr4j.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * A handle on a running PostgreSQL cluster (13 to 18): how to connect (a JDBC URL, or libpq-style
 * {@code PGHOST}/{@code PGPORT}/{@code PGUSER}/{@code PGPASSWORD}/{@code PGDATABASE} with {@code .pgpass}), and
 * optionally where its data directory is when this process can read it (direct-mode backups).
 *
 * <p>The password is a {@link Secret}: it goes to the JDBC driver as a property and to child processes
 * ({@code pg_basebackup}) as {@code PGPASSWORD} in their environment, never on a command line, in a log line or in
 * {@link #toString()}. Without a password, the driver and libpq read {@code PGPASSFILE} or {@code ~/.pgpass}.
 *
 * <pre>{@code
 * PostgresCluster pg = PostgresCluster.builder().jdbcUrl("jdbc:postgresql://db:5432/postgres").user("backup")
 *         .password(Secret.of(System.getenv("PGPASSWORD"))).dataDir(Path.of("/var/lib/postgresql/15/main")).build();
 * }</pre>
 */
public final class PostgresCluster {
    /** Oldest and newest major versions supported. */
    public static final int MIN_VERSION = 13;
    public static final int MAX_VERSION = 18;
    private static final String DEFAULT_CONNECT_TIMEOUT = "15";

    private final String host;
    private final int port;
    private final String user;
    private final String database;
    private final @Nullable Secret password;
    private final @Nullable Path dataDir;
    private final Map<String, String> jdbcProperties;

    private PostgresCluster(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.database = b.database;
        this.password = b.password;
        this.dataDir = b.dataDir;
        this.jdbcProperties = Map.copyOf(b.jdbcProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A handle from the libpq environment variables ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, ...). */
    public static PostgresCluster fromEnvironment() {
        return builder().environment(System.getenv()).build();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String database() {
        return database;
    }

    /** The password, when one is set (else the driver and libpq read {@code .pgpass}). */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /** The JDBC URL (no credentials in it). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /** A new connection (autocommit). */
    public Connection connect() {
        return connect(false);
    }

    /**
     * The pgjdbc properties of a connection to this cluster: the extra properties, the user, the password (pass
     * them only to the driver), application name {@code dr4j} and a connect timeout (15 s unless set).
     */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.putAll(jdbcProperties);
        p.setProperty("user", user);
        p.setProperty("ApplicationName", "dr4j");
        p.putIfAbsent("connectTimeout", DEFAULT_CONNECT_TIMEOUT);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        return p;
    }

    /** A new connection; {@code replication} opens a physical replication connection (simple query mode). */
    public Connection connect(boolean replication) {
        Properties p = jdbcProperties();
        if (replication) {
            p.setProperty("replication", "true");
            p.setProperty("assumeMinServerVersion", "9.4");
            p.setProperty("preferQueryMode", "simple");
        }
        try {
            return DriverManager.getConnection(jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectError(e);
        }
    }

    private PostgresException connectError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (password != null && !password.isEmpty()) {
            msg = msg.replace(password.reveal(), "********");
        }
        String fix;
        if (state.equals("28P01") || state.equals("28000")) {
            fix = "Check the user and password (PGUSER, PGPASSWORD or a .pgpass entry for " + host + ":" + port
                    + ") and pg_hba.conf on the server";
        } else if (state.startsWith("08")) {
            fix = "Check that PostgreSQL runs and listens on " + host + ":" + port + " (listen_addresses, port, firewall)";
        } else {
            fix = "Check the connection settings";
        }
        return new PostgresException("Could not connect to PostgreSQL at " + host + ":" + port + "/" + database
                + " as " + user + ": " + msg + ". " + fix, e);
    }

    /**
     * Environment for PostgreSQL client tools: connection settings, application name {@code dr4j}, the connect
     * timeout of {@link #jdbcProperties()} and the password, never argv. A new mutable map on each call.
     */
    public Map<String, String> libpqEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        env.put("PGAPPNAME", "dr4j");
        env.put("PGCONNECT_TIMEOUT", jdbcProperties.getOrDefault("connectTimeout", DEFAULT_CONNECT_TIMEOUT));
        if (password != null) {
            env.put("PGPASSWORD", password.reveal());
        }
        String sslmode = jdbcProperties.get("sslmode");
        if (sslmode != null) {
            env.put("PGSSLMODE", sslmode);
        }
        return env;
    }

    /** Facts about the server, read once per call. */
    public ServerInfo inspect() {
        try (Connection c = connect()) {
            return ServerInfo.read(c, this);
        } catch (SQLException e) {
            throw new PostgresException("Could not inspect PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The server's major version (13..18), checked. */
    public static int majorVersion(Connection c) throws SQLException {
        int num = queryInt(c, "select current_setting('server_version_num')::int");
        int major = num / 10000;
        if (major < MIN_VERSION || major > MAX_VERSION) {
            throw new PostgresException("PostgreSQL " + major + " is not supported: dr4j supports " + MIN_VERSION
                    + " to " + MAX_VERSION);
        }
        return major;
    }

    static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + user + "@" + host + ":" + port + "/" + database
                + (dataDir == null ? "" : ", data " + dataDir) + "]";
    }

    /** Builds a {@link PostgresCluster}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 5432;
        private String user = "postgres";
        private String database = "postgres";
        private @Nullable Secret password;
        private @Nullable Path dataDir;
        private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Host, port, database and properties from a JDBC URL ({@code jdbc:postgresql://host:port/db?sslmode=...}).
         * A {@code password} parameter in the URL is refused: pass it with {@link #password(Secret)}.
         */
        public Builder jdbcUrl(String url) {
            Objects.requireNonNull(url, "url");
            Properties parsed = org.postgresql.Driver.parseURL(url, new Properties());
            if (parsed == null) {
                throw new PostgresException("Not a PostgreSQL JDBC URL: expected jdbc:postgresql://host:port/database");
            }
            if (parsed.containsKey("password")) {
                throw new PostgresException("Do not put the password in the JDBC URL (it would end up in logs): pass "
                        + "it with password(Secret), PGPASSWORD or a .pgpass file");
            }
            String hosts = parsed.getProperty("PGHOST", host);
            if (hosts.contains(",")) {
                throw new PostgresException("Give one host in the JDBC URL (the backup reads one server), not " + hosts);
            }
            host = hosts;
            port = Integer.parseInt(parsed.getProperty("PGPORT", Integer.toString(port)));
            database = parsed.getProperty("PGDBNAME", database);
            for (String k : parsed.stringPropertyNames()) {
                if (!k.startsWith("PG")) {
                    if (k.equals("user")) {
                        user = parsed.getProperty(k);
                    } else {
                        jdbcProperties.put(k, parsed.getProperty(k));
                    }
                }
            }
            return this;
        }

        /** Reads PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE and PGDATA from {@code env}. */
        public Builder environment(Map<String, String> env) {
            String h = env.get("PGHOST");
            if (h != null && !h.isBlank()) {
                if (h.startsWith("/")) {
                    throw new PostgresException("PGHOST=" + h + " is a Unix socket directory; the JDBC driver needs "
                            + "a TCP host: set PGHOST to a host name or address");
                }
                host = h;
            }
            if (env.get("PGPORT") != null) {
                port = Integer.parseInt(env.get("PGPORT").trim());
            }
            if (env.get("PGUSER") != null) {
                user = env.get("PGUSER");
            }
            if (env.get("PGDATABASE") != null) {
                database = env.get("PGDATABASE");
            }
            if (env.get("PGPASSWORD") != null) {
                password = Secret.of(env.get("PGPASSWORD"));
            }
            if (env.get("PGSSLMODE") != null) {
                jdbcProperties.put("sslmode", env.get("PGSSLMODE"));
            }
            if (env.get("PGDATA") != null && Files.isDirectory(Path.of(env.get("PGDATA")))) {
                dataDir = Path.of(env.get("PGDATA"));
            }
            return this;
        }

        public Builder host(String h) {
            host = Objects.requireNonNull(h, "host");
            return this;
        }

        public Builder port(int p) {
            port = p;
            return this;
        }

        public Builder user(String u) {
            user = Objects.requireNonNull(u, "user");
            return this;
        }

        public Builder database(String d) {
            database = Objects.requireNonNull(d, "database");
            return this;
        }

        public Builder password(@Nullable Secret p) {
            password = p;
            return this;
        }

        /** The data directory, when this process can read it (enables direct mode and local WAL copy). */
        public Builder dataDir(@Nullable Path d) {
            dataDir = d;
            return this;
        }

        /** An extra pgjdbc connection property (e.g. {@code sslmode}). */
        public Builder property(String name, String value) {
            jdbcProperties.put(name, value);
            return this;
        }

        public PostgresCluster build() {
            if (port <= 0 || port > 65535) {
                throw new PostgresException("Invalid port " + port);
            }
            return new PostgresCluster(this);
        }
    }
}
