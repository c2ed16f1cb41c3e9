package io.dr4j.postgres.logical;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * Where a logical backup or restore connects: host, port, user, database, and a password that only ever travels in
 * the child process environment ({@code PGPASSWORD}) or JDBC properties — never on a command line.
 *
 * @param host     host name or address
 * @param port     port
 * @param user     role
 * @param password password, or null for trust/peer/pgpass authentication
 * @param database database
 */
public record PgTarget(String host, int port, String user, @Nullable Secret password, String database) {
    public PgTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
    }

    /** From libpq's environment variables: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. */
    public static PgTarget fromEnvironment(Map<String, String> env) {
        String user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
        return new PgTarget(env.getOrDefault("PGHOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("PGPORT", "5432")), user,
                env.containsKey("PGPASSWORD") ? Secret.of(env.get("PGPASSWORD")) : null,
                env.getOrDefault("PGDATABASE", user));
    }

    public PgTarget withDatabase(String db) {
        return new PgTarget(host, port, user, password, db);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /** JDBC connection properties (user, password). */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "dr4j");
        return p;
    }

    /** The environment for PostgreSQL's client tools: connection in PG* variables, password in PGPASSWORD. */
    public Map<String, String> toolEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        env.put("PGAPPNAME", "dr4j");
        env.put("PGCONNECT_TIMEOUT", "10");
        if (password != null) {
            env.put("PGPASSWORD", password.reveal());
        }
        return env;
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database + (password == null ? "" : " (password set)");
    }
}
