import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.wal.WalArchiver;

/**
 * WAL streaming lag under load, for bench/wal-lag.sh (run as a single-file program on the CLI's class path).
 * Starts a WalArchiver into a file repository, waits until it has caught up, runs the given load command (pgbench),
 * and every 100 ms samples the server's pg_current_wal_lsn() and the archiver's archivedLsn (end of the WAL stored
 * in the repository: completed segments and the partial one, each written and fsynced before it counts).
 * Lag in bytes = current - archived. Lag in seconds = how long ago the server's WAL position passed the archived
 * position (the age of the oldest WAL not in the repository), interpolated between samples.
 *
 * Usage: WalLag PORT REPO_DIR SPOOL_DIR PARTIAL_INTERVAL_MS SAMPLES_TSV LOAD_COMMAND...
 * Prints one line: "p50_bytes p99_bytes max_bytes p50_s p99_s max_s samples partials segments".
 */
public class WalLag {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path repoDir = Path.of(args[1]);
        Path spool = Path.of(args[2]);
        long partialMs = Long.parseLong(args[3]);
        Path samplesFile = Path.of(args[4]);
        List<String> load = Arrays.asList(args).subList(5, args.length);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
            String systemId;
            try (ResultSet rs = st.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
                rs.next();
                systemId = rs.getString(1);
            }
            Repository repo = Repository.openOrInit(FileBackupTarget.of(repoDir), RepositoryOptions.DEFAULT, systemId,
                    "postgresql");
            try (WalArchiver archiver = WalArchiver.builder().jdbcUrl(url).connectionProperties(props).repository(repo)
                    .spoolDir(spool).slotName("dr4j_bench").partialInterval(Duration.ofMillis(partialMs)).build()) {
                archiver.start();
                st.execute("SELECT pg_switch_wal()");
                if (!archiver.awaitArchived(lsn(st), Duration.ofMinutes(2))) {
                    throw new IllegalStateException("the archiver did not catch up: " + archiver.status());
                }
                Process p = new ProcessBuilder(load).redirectErrorStream(true)
                        .redirectOutput(samplesFile.resolveSibling("load.log").toFile()).start();
                List<long[]> samples = new ArrayList<>(); // {nanos, server lsn, archived lsn}
                long t0 = System.nanoTime();
                long next = t0;
                while (p.isAlive()) {
                    long server = lsn(st);
                    long archived = archiver.status().archivedLsn();
                    samples.add(new long[] {System.nanoTime() - t0, server, archived});
                    next += 100_000_000L;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        p.waitFor(sleep, TimeUnit.NANOSECONDS);
                    }
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("load command failed (exit " + p.exitValue() + "): " + load);
                }
                WalArchiver.Status s = archiver.status();
                report(samples, samplesFile, s.partialsArchived(), s.segmentsArchived());
            }
            repo.close();
        }
    }

    static long lsn(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void report(List<long[]> samples, Path file, long partials, long segments) throws Exception {
        int n = samples.size();
        long[] bytes = new long[n];
        double[] secs = new double[n];
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("t_s\tserver_lsn\tarchived_lsn\tlag_bytes\tlag_s");
            for (int i = 0; i < n; i++) {
                long[] s = samples.get(i);
                bytes[i] = Math.max(0, s[1] - s[2]);
                secs[i] = bytes[i] == 0 ? 0 : age(samples, i);
                w.printf("%.3f\t%d\t%d\t%d\t%.3f%n", s[0] / 1e9, s[1], s[2], bytes[i], secs[i]);
            }
        }
        long[] sb = bytes.clone();
        Arrays.sort(sb);
        double[] ss = secs.clone();
        Arrays.sort(ss);
        System.out.printf("%d %d %d %.3f %.3f %.3f %d %d %d%n", sb[pct(n, 50)], sb[pct(n, 99)], sb[n - 1], ss[pct(n, 50)],
                ss[pct(n, 99)], ss[n - 1], n, partials, segments);
    }

    /** Seconds since the server's position first exceeded sample i's archived position (linear between samples). */
    static double age(List<long[]> samples, int i) {
        long archived = samples.get(i)[2];
        long now = samples.get(i)[0];
        int j = i;
        while (j > 0 && samples.get(j - 1)[1] > archived) {
            j--;
        }
        if (j == 0) {
            return now / 1e9; // before the first sample
        }
        long[] a = samples.get(j - 1);
        long[] b = samples.get(j);
        double f = b[1] == a[1] ? 1 : (double) (archived - a[1]) / (b[1] - a[1]);
        double crossed = a[0] + f * (b[0] - a[0]);
        return (now - crossed) / 1e9;
    }

    static int pct(int n, int p) {
        return Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1);
    }
}
