package io.dr4j.postgres.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.dr4j.core.config.Secret;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import org.jspecify.annotations.Nullable;

/**
 * Is PostgreSQL up, writable (not in recovery) and does a query give the expected answer? The DR plan's
 * "Database connectivity" check and its integrity queries, e.g.
 * {@code PostgresHealthCheck.builder(url).query("SELECT count(*) > 0 FROM orders").build()}.
 * DOWN (never an exception) when the server is unreachable, still recovering, or the query fails or answers
 * false/0/NULL.
 */
public final class PostgresHealthCheck implements HealthCheck {
    private final String name;
    private final String jdbcUrl;
    private final String user;
    private final @Nullable Secret password;
    private final @Nullable String query;
    private final boolean requirePrimary;
    private final Duration timeout;

    private PostgresHealthCheck(Builder b) {
        this.name = b.name != null ? b.name : "postgres:" + b.jdbcUrl.replaceAll("\\?.*$", "");
        this.jdbcUrl = b.jdbcUrl;
        this.user = b.user;
        this.password = b.password;
        this.query = b.query;
        this.requirePrimary = b.requirePrimary;
        this.timeout = b.timeout;
    }

    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        long secs = Math.max(1, timeout.toSeconds());
        p.setProperty("connectTimeout", Long.toString(secs));
        p.setProperty("socketTimeout", Long.toString(secs));
        p.setProperty("ApplicationName", "dr4j-health");
        Map<String, Object> details = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, p); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) secs);
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), current_setting('server_version')")) {
                rs.next();
                details.put("inRecovery", rs.getBoolean(1));
                details.put("serverVersion", rs.getString(2));
                if (requirePrimary && rs.getBoolean(1)) {
                    return result(HealthStatus.DOWN, "PostgreSQL is still in recovery (read-only)", details, t0);
                }
            }
            if (query != null) {
                try (ResultSet rs = st.executeQuery(query)) {
                    Object v = rs.next() ? rs.getObject(1) : null;
                    details.put("answer", String.valueOf(v));
                    if (v == null || Boolean.FALSE.equals(v) || (v instanceof Number n && n.doubleValue() == 0)) {
                        return result(HealthStatus.DOWN, "Check query answered " + v + ": " + query, details, t0);
                    }
                }
            }
            return result(HealthStatus.UP, "PostgreSQL answers" + (query == null ? "" : " and the check query passes"),
                    details, t0);
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (password != null && !password.isEmpty()) {
                msg = msg.replace(password.reveal(), "********");
            }
            return result(HealthStatus.DOWN, "PostgreSQL check failed: " + msg, details, t0);
        }
    }

    private HealthResult result(HealthStatus s, String msg, Map<String, Object> details, long t0) {
        return new HealthResult(name, s, msg, details, Duration.ofNanos(System.nanoTime() - t0), Instant.now());
    }

    @Override
    public String toString() {
        return "PostgresHealthCheck[" + name + "]";
    }

    /** Builds a PostgreSQL health check. */
    public static final class Builder {
        private final String jdbcUrl;
        private @Nullable String name;
        private String user = "postgres";
        private @Nullable Secret password;
        private @Nullable String query;
        private boolean requirePrimary = true;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder(String jdbcUrl) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Builder user(String u) {
            this.user = u;
            return this;
        }

        public Builder password(@Nullable Secret p) {
            this.password = p;
            return this;
        }

        /** A query whose first column must be true / non-zero / non-null. */
        public Builder query(String sql) {
            this.query = sql;
            return this;
        }

        /** Whether a server still in recovery counts as DOWN (default true). */
        public Builder requirePrimary(boolean b) {
            this.requirePrimary = b;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public PostgresHealthCheck build() {
            return new PostgresHealthCheck(this);
        }
    }
}
