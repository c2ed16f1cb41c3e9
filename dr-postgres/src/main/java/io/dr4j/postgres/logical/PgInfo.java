package io.dr4j.postgres.logical;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.DrException;

/** Facts about a server over JDBC, and clear messages for connection failures. */
final class PgInfo {
    private PgInfo() {
    }

    static String systemId(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new BackupFailedException("The role cannot read the system identifier: "
                        + "GRANT EXECUTE ON FUNCTION pg_control_system() TO <backup role> (or GRANT pg_monitor)", e);
            }
            throw e;
        }
    }

    static int serverMajor(Connection c) throws SQLException {
        return Integer.parseInt(serverVersionNum(c)) / 10000;
    }

    static String serverVersionNum(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Exact row counts of every ordinary and partitioned user table, {@code schema.table → rows}. */
    static Map<String, Long> exactRowCounts(Connection c) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT n.nspname, cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace "
                        + "WHERE cl.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + quote(t[0]) + "." + quote(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    /** A clear error for a failed connection or query, by SQLSTATE. */
    static DrException connectionFailure(PgTarget t, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = switch (state) {
            case "28P01", "28000" -> "Authentication failed for role '" + t.user() + "' at " + t.host() + ":" + t.port()
                    + ". Check PGUSER and the password (PGPASSWORD or ~/.pgpass)";
            case "3D000" -> "Database '" + t.database() + "' does not exist at " + t.host() + ":" + t.port();
            case "08001", "08004", "08006" -> "Cannot connect to PostgreSQL at " + t.host() + ":" + t.port()
                    + " (" + e.getMessage() + "). Is the server running and reachable? Check PGHOST and PGPORT";
            case "42501" -> "Permission denied for role '" + t.user() + "': " + e.getMessage()
                    + ". Logical backups need SELECT on every table (GRANT pg_read_all_data TO " + t.user() + ")";
            default -> "PostgreSQL error at " + t.host() + ":" + t.port() + ": " + e.getMessage();
        };
        return new BackupFailedException(msg, e);
    }
}
