package io.dr4j.postgres.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.monitor.WalLagCheck;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RPO exposure of a real server: its current WAL position against the WAL archived into a repository. */
class WalLagCheckIT {

    @Test
    void segmentsWrittenButNotArchivedAreTheExposure(@TempDir Path dir) throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow())
                .start(); Connection c = pg.connect("postgres")) {
            Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT,
                    "test-system", "postgresql");
            Supplier<String> current = () -> query(c, "SELECT pg_walfile_name(pg_current_wal_lsn())");
            WalLagCheck check = new WalLagCheck(repo, Duration.ofHours(1), current, 2, WalLagCheck.DEFAULT_SEGMENT_SIZE,
                    Clock.systemUTC());
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (i int)");
            }
            switchWal(c, 2);
            assertThat(check.check().status()).as("nothing archived yet").isEqualTo(HealthStatus.DOWN);

            // archive every completed segment, as an archiver would (the files read from the server itself)
            String cur = current.get();
            for (String seg : completedSegments(c, cur)) {
                Path f = dir.resolve(seg);
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_read_binary_file('pg_wal/' || ?)")) {
                    ps.setString(1, seg);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        Files.write(f, rs.getBytes(1));
                    }
                }
                repo.wal().push(seg, f);
                Files.delete(f);
            }
            HealthResult upToDate = check.check();
            assertThat(upToDate.status()).as(upToDate.message()).isEqualTo(HealthStatus.UP);
            assertThat(upToDate.details()).containsEntry("segmentsBehind", 0L).containsEntry("currentSegment", cur);

            // the server moves on by four segments that nobody archives
            switchWal(c, 4);
            HealthResult behind = check.check();
            assertThat(behind.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(behind.details()).containsEntry("segmentsBehind", 4L)
                    .containsEntry("lagBytes", 4L * 16 * 1024 * 1024);
            assertThat(behind.message()).contains("4 complete segment(s) (64.0 MiB) not archived (limit 2)");
        }
    }

    private static void switchWal(Connection c, int times) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < times; i++) {
                s.execute("INSERT INTO t VALUES (" + i + ")");
                s.execute("SELECT pg_switch_wal()");
            }
        }
    }

    private static List<String> completedSegments(Connection c, String current) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' "
                + "AND name < ? ORDER BY name")) {
            ps.setString(1, current);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static String query(Connection c, String sql) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
