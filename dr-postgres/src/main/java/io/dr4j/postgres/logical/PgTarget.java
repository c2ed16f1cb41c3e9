package io.dr4j.postgres.logical;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.dr4j.core.config.Secret;
import io.dr4j.postgres.PostgresCluster;

import org.jspecify.annotations.Nullable;

/**
 * Where a logical backup or restore connects: host, port, user, database, and a password that only ever travels in
 * the child process environment ({@code PGPASSWORD}) or JDBC properties — never on a command line. A value naming
 * one database of a server; the connection itself (URL, driver properties, tool environment) is that of the
 * {@link #cluster() PostgresCluster} handle for the same server, so both connect the same way.
 *
 * @param host     host name or address
 * @param port     port
 * @param user     role
 * @param password password, or null for trust/peer/pgpass authentication
 * @param database database
 */
public record PgTarget(String host, int port, String user, @Nullable Secret password, String database) {
    /** The connect timeout of logical backups and restores, in seconds. */
    private static final String CONNECT_TIMEOUT = "10";

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

    /** The database {@code cluster} connects to, on its server, as its user. */
    public static PgTarget of(PostgresCluster cluster) {
        return new PgTarget(cluster.host(), cluster.port(), cluster.user(), cluster.password().orElse(null),
                cluster.database());
    }

    public PgTarget withDatabase(String db) {
        return new PgTarget(host, port, user, password, db);
    }

    /** The same server, user and database as a {@link PostgresCluster} handle (connect timeout 10 s). */
    public PostgresCluster cluster() {
        return PostgresCluster.builder().host(host).port(port).user(user).database(database).password(password)
                .property("connectTimeout", CONNECT_TIMEOUT).build();
    }

    public String jdbcUrl() {
        return cluster().jdbcUrl();
    }

    /** JDBC connection properties (user, password, application name, connect timeout). */
    public Properties jdbcProperties() {
        return cluster().jdbcProperties();
    }

    /** The environment for PostgreSQL's client tools: connection in PG* variables, password in PGPASSWORD. */
    public Map<String, String> toolEnvironment() {
        return cluster().libpqEnvironment();
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database + (password == null ? "" : " (password set)");
    }
}
