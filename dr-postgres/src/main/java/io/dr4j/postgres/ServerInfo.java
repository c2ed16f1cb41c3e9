package io.dr4j.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Facts about a running server that backups depend on.
 *
 * @param majorVersion     13..18
 * @param serverVersion    e.g. {@code 15.14}
 * @param systemId         the system identifier ({@code pg_control_system()}), the repository's identity
 * @param walLevel         {@code replica} or {@code logical} (backups refuse {@code minimal})
 * @param dataChecksums    whether the cluster has page checksums
 * @param walSegmentSize   bytes per WAL segment
 * @param dataDirectory    the server's data directory as the server sees it (superusers only, else empty)
 * @param superuser        whether the connected role is a superuser
 * @param replication      whether the connected role has REPLICATION
 * @param user             the connected role
 * @param inRecovery       whether the server is a standby
 */
public record ServerInfo(int majorVersion, String serverVersion, String systemId, String walLevel,
                         boolean dataChecksums, long walSegmentSize, String dataDirectory, boolean superuser,
                         boolean replication, String user, boolean inRecovery) {

    static ServerInfo read(Connection c, PostgresCluster cluster) throws SQLException {
        int major = PostgresCluster.majorVersion(c);
        String systemId;
        try {
            systemId = PostgresCluster.queryString(c, "select system_identifier::text from pg_control_system()");
        } catch (SQLException e) {
            throw new PostgresException("Role " + cluster.user() + " may not read the system identifier: "
                    + e.getMessage() + ". Run as a superuser: GRANT EXECUTE ON FUNCTION pg_control_system() TO "
                    + cluster.user(), e);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select current_setting('server_version'), current_setting('wal_level'),"
                        + " current_setting('data_checksums'), current_setting('wal_segment_size'),"
                        + " coalesce((select setting from pg_settings where name = 'data_directory'), ''),"
                        + " r.rolsuper, r.rolreplication, current_user, pg_is_in_recovery()"
                        + " from pg_roles r where r.rolname = current_user")) {
            rs.next();
            return new ServerInfo(major, rs.getString(1).split(" ")[0], systemId, rs.getString(2),
                    "on".equals(rs.getString(3)), parseSize(rs.getString(4)), rs.getString(5), rs.getBoolean(6),
                    rs.getBoolean(7), rs.getString(8), rs.getBoolean(9));
        }
    }

    /** Parses a PostgreSQL size setting such as {@code 16MB}. */
    static long parseSize(String s) {
        String v = s.trim();
        long mult = 1;
        if (v.endsWith("kB")) {
            mult = 1024;
        } else if (v.endsWith("MB")) {
            mult = 1024 * 1024;
        } else if (v.endsWith("GB")) {
            mult = 1024L * 1024 * 1024;
        }
        return Long.parseLong(v.replaceAll("[^0-9]", "")) * mult;
    }

    /** Refuses {@code wal_level=minimal}, which cannot produce restorable online backups. */
    public void requireArchivableWal() {
        if ("minimal".equals(walLevel)) {
            throw new PostgresException("wal_level is 'minimal' on this server: online backups and PITR need "
                    + "wal_level = replica (or logical). Set it with ALTER SYSTEM SET wal_level = 'replica' and "
                    + "restart PostgreSQL (max_wal_senders must be > 0 too)");
        }
    }

    /** The functions a non-superuser needs for a direct-mode backup, as a GRANT statement. */
    public String backupGrants() {
        return majorVersion >= 15
                ? "GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean) TO " + user
                + "; GRANT EXECUTE ON FUNCTION pg_backup_stop(boolean) TO " + user
                : "GRANT EXECUTE ON FUNCTION pg_start_backup(text, boolean, boolean) TO " + user
                + "; GRANT EXECUTE ON FUNCTION pg_stop_backup(boolean, boolean) TO " + user;
    }

    /** Checks the connected role may start and stop backups; the error names the GRANT needed. */
    public void requireBackupRights(Connection c) throws SQLException {
        if (superuser) {
            return;
        }
        String start = majorVersion >= 15 ? "pg_backup_start(text, boolean)" : "pg_start_backup(text, boolean, boolean)";
        String stop = majorVersion >= 15 ? "pg_backup_stop(boolean)" : "pg_stop_backup(boolean, boolean)";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select has_function_privilege(current_user, '" + start + "', 'execute'),"
                        + " has_function_privilege(current_user, '" + stop + "', 'execute')")) {
            rs.next();
            if (!rs.getBoolean(1) || !rs.getBoolean(2)) {
                throw new PostgresException("Role " + user + " may not run " + start.substring(0, start.indexOf('('))
                        + "/" + stop.substring(0, stop.indexOf('(')) + ". As a superuser run: " + backupGrants());
            }
        }
    }

    /** Checks the connected role has REPLICATION (stream mode, WAL streaming). */
    public void requireReplication() {
        if (!superuser && !replication) {
            throw new PostgresException("Role " + user + " lacks the REPLICATION attribute needed for a stream-mode "
                    + "backup. As a superuser run: ALTER ROLE " + user + " WITH REPLICATION; and allow it in "
                    + "pg_hba.conf (host replication " + user + " <address> scram-sha-256)");
        }
    }
}
