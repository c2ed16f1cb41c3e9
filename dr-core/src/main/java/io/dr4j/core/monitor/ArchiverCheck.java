package io.dr4j.core.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's own archiver ({@code archive_command} / {@code archive_library}), from {@code pg_stat_archiver}: DOWN
 * when the last attempt to archive failed (the last failure is newer than the last success), naming the WAL file and
 * when; details carry the counters. Uses any JDBC connection (the monitoring role needs no special rights).
 */
public final class ArchiverCheck extends MonitorCheck {
    static final String QUERY = "SELECT archived_count, last_archived_wal, last_archived_time, failed_count, "
            + "last_failed_wal, last_failed_time, current_setting('archive_mode') AS archive_mode FROM pg_stat_archiver";

    private final ConnectionSource connections;

    public ArchiverCheck(ConnectionSource connections, Clock clock) {
        super(clock);
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public String name() {
        return "pg-archiver";
    }

    @Override
    Finding evaluate() throws SQLException {
        try (Connection c = connections.open(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setQueryTimeout((int) Math.max(1, timeout().toSeconds()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Finding.down("pg_stat_archiver returned no row", Map.of());
                }
                long archived = rs.getLong("archived_count");
                String lastWal = rs.getString("last_archived_wal");
                Instant lastAt = instant(rs.getTimestamp("last_archived_time"));
                long failed = rs.getLong("failed_count");
                String failedWal = rs.getString("last_failed_wal");
                Instant failedAt = instant(rs.getTimestamp("last_failed_time"));
                String mode = rs.getString("archive_mode");
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("archiveMode", mode);
                d.put("archivedCount", archived);
                d.put("failedCount", failed);
                if (lastWal != null) {
                    d.put("lastArchivedWal", lastWal);
                }
                if (lastAt != null) {
                    d.put("lastArchivedTime", lastAt.toString());
                }
                if (failedWal != null) {
                    d.put("lastFailedWal", failedWal);
                }
                if (failedAt != null) {
                    d.put("lastFailedTime", failedAt.toString());
                }
                if (failedAt != null && (lastAt == null || failedAt.isAfter(lastAt))) {
                    return Finding.down("PostgreSQL's archiver is failing: " + failed + " failed attempts, the last on "
                            + failedWal + " at " + failedAt + (lastAt == null ? ", no WAL archived since the "
                            + "statistics were reset" : ", last success " + lastWal + " at " + lastAt)
                            + ". WAL piles up in pg_wal until it works again: see the server log for the "
                            + "archive_command error", d);
                }
                if ("off".equals(mode)) {
                    return Finding.up("archive_mode is off (WAL archived by streaming, if at all)", d);
                }
                return Finding.up("PostgreSQL's archiver works: " + archived + " WAL files archived"
                        + (lastWal == null ? "" : ", last " + lastWal + " at " + lastAt), d);
            }
        }
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
