package io.dr4j.postgres.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

/** Shared helpers of the WAL tests: clusters, repositories, pgbench, pg_waldump. */
final class PgTestSupport {
    static final Path PG15 = Path.of("/usr/lib/postgresql/15/bin");

    private PgTestSupport() {
    }

    static PostgresBinaries pg15() {
        return PostgresBinaries.installed(15).orElseThrow();
    }

    static ScratchCluster.Builder cluster(PostgresBinaries b) {
        return ScratchCluster.builder().binaries(b)
                .setting("wal_keep_size", "2GB")
                .setting("checkpoint_timeout", "1h")
                .setting("max_wal_size", "4GB")
                .setting("fsync", "off")
                .setting("wal_sender_timeout", "10s");
    }

    static String systemId(ScratchCluster pg) throws SQLException {
        return query(pg, "select system_identifier::text from pg_control_system()");
    }

    static String query(ScratchCluster pg, String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(ScratchCluster pg, String... sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static long lsn(ScratchCluster pg, String expr) throws SQLException {
        return WalPositions.parseLsn(query(pg, "select (" + expr + ")::text"));
    }

    static Repository repository(Path dir, String systemId) {
        return Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, systemId, "postgresql");
    }

    static WalArchiver.Builder archiver(ScratchCluster pg, Repository repo, Path spool, String slot) {
        return WalArchiver.builder().jdbcUrl(pg.jdbcUrl("postgres")).user(pg.superuser()).repository(repo)
                .spoolDir(spool).slotName(slot);
    }

    static String pgbench(ScratchCluster pg, String... args) {
        List<String> cmd = new ArrayList<>(List.of(pg.binaries().has("pgbench") ? pg.binaries().tool("pgbench").toString()
                : PG15.resolve("pgbench").toString(), "-h", "127.0.0.1", "-p", String.valueOf(pg.port()), "-U", pg.superuser()));
        cmd.addAll(List.of(args));
        cmd.add("postgres");
        return Processes.check(Processes.asPostgresUser(cmd), Map.of(), null, Duration.ofMinutes(3));
    }

    /** Starts pgbench in the background (returns the process). */
    static Process pgbenchAsync(ScratchCluster pg, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PG15.resolve("pgbench").toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(pg.port()), "-U", pg.superuser()));
        cmd.addAll(List.of(args));
        cmd.add("postgres");
        return new ProcessBuilder(Processes.asPostgresUser(cmd)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static byte[] read(Repository repo, WalSegment s) throws IOException {
        try (InputStream in = repo.wal().read(s)) {
            return in.readAllBytes();
        }
    }

    /** Copies archived segments into {@code dir} (as plain files named like the segments). */
    static void restoreSegments(Repository repo, List<WalSegment> segs, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (WalSegment s : segs) {
            try (InputStream in = repo.wal().read(s)) {
                Files.copy(in, dir.resolve(s.name()));
            }
        }
    }

    /** Runs pg_waldump over [start, end) in {@code dir}; asserts it parses every record. */
    static String waldump(Path dir, long timeline, long start, long end) {
        Processes.makeTraversable(dir);
        Processes.chownToPostgres(dir);
        List<String> cmd = List.of(PG15.resolve("pg_waldump").toString(), "-p", dir.toString(), "-t", String.valueOf(timeline),
                "-s", WalPositions.formatLsn(start), "-e", WalPositions.formatLsn(end), "--stats");
        Processes.Result r = Processes.run(Processes.asPostgresUser(cmd), Map.of(), null, Duration.ofMinutes(2));
        assertThat(r.exitCode()).as("pg_waldump output:\n%s", r.output()).isZero();
        return r.output();
    }

    static List<WalSegment> completeSegments(Repository repo, long timeline) {
        return repo.wal().list(WalPositions.timelineName(timeline)).stream().filter(s -> s.isSegment() && !s.partial()).toList();
    }

    /** Asserts the complete segments of a timeline form a run without gaps; returns their segment numbers. */
    static List<Long> assertContiguous(Repository repo, long timeline) {
        List<Long> nos = completeSegments(repo, timeline).stream()
                .map(s -> WalPositions.segmentNumberOf(s.name(), WalPositions.DEFAULT_SEGMENT_SIZE)).sorted().toList();
        assertThat(nos).isNotEmpty();
        for (int i = 1; i < nos.size(); i++) {
            assertThat(nos.get(i)).as("segment after %s", nos.get(i - 1)).isEqualTo(nos.get(i - 1) + 1);
        }
        return nos;
    }
}
