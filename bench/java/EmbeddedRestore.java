import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.PostgresRestoreStrategy;

/**
 * A restore as an application that embeds dr4j makes it: the library call in a JVM that has made one before (a
 * service running restore drills, a test suite calling the restore API per test). For bench/physical.sh, run as a
 * single-file program on the CLI's class path. The same work as {@code dr restore --to DIR --target immediate
 * --parallel N}: newest backup, files verified and fsynced, recovery settings written, server not started.
 *
 * Usage: EmbeddedRestore REPO_DIR DEST_PARENT CALLS PARALLEL [TARGET_TIME]
 * Restores CALLS times into DEST_PARENT/call-K (all removed after the last call, outside the timing) and prints one
 * line for the last call: "wall_seconds process_cpu_seconds bytes_restored".
 *
 * With TARGET_TIME (ISO-8601), for bench/pitr.sh: a PITR instead, as {@code dr restore --target-time T --start}
 * makes it — the server started and the call returning once it has promoted; then, outside the timing, the restored
 * server's pgbench_history rows are counted and it is stopped. The line is "wall_seconds process_cpu_seconds rows".
 */
public class EmbeddedRestore {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        Path parent = Path.of(args[1]);
        int calls = Integer.parseInt(args[2]);
        int parallel = Integer.parseInt(args[3]);
        java.time.Instant targetTime = args.length > 4 ? java.time.Instant.parse(args[4]) : null;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        PostgresRestoreStrategy strategy = PostgresRestoreStrategy.builder().build();
        String last = "";
        for (int k = 1; k <= calls; k++) {
            Path to = parent.resolve("call-" + k);
            Files.createDirectories(to);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            RestoreResult r;
            try (Repository repo = Repository.open(FileBackupTarget.of(repoDir), RepositoryOptions.DEFAULT)) {
                RestoreRequest request = RestoreRequest.to(to).withParallelism(parallel);
                r = strategy.restore(repo, targetTime == null ? request.withTarget(RecoveryTarget.immediate())
                        : request.withTarget(RecoveryTarget.time(targetTime)).withStart(true));
            }
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long result = targetTime == null ? r.bytesRestored() : rowsAndStop(to, r.details().get("port"));
            last = String.format(java.util.Locale.ROOT, "%.2f %.2f %d", wall / 1e9, cpu / 1e9, result);
            System.err.println("call " + k + ": " + last);
        }
        // removed after the last call, not between calls: a restore right after many files were deleted pays for
        // it in the kernel on this machine (bench/lib/settle.sh)
        for (int k = 1; k <= calls; k++) {
            delete(parent.resolve("call-" + k));
        }
        System.out.println(last);
    }

    /** The restored server's pgbench_history rows; then the server is stopped (immediate). */
    private static long rowsAndStop(Path dataDir, String port) throws Exception {
        try {
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres", null); var st = c.createStatement();
                 var rs = st.executeQuery("select count(*) from pgbench_history")) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            java.util.List<String> stop = new java.util.ArrayList<>(java.util.List.of(
                    Path.of(System.getenv().getOrDefault("PGBIN", "/usr/lib/postgresql/15/bin"), "pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
            if ("root".equals(System.getProperty("user.name"))) {
                stop.addAll(0, java.util.List.of("runuser", "-u", "postgres", "--"));
            }
            new ProcessBuilder(stop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
