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
 * Usage: EmbeddedRestore REPO_DIR DEST_PARENT CALLS PARALLEL
 * Restores CALLS times into DEST_PARENT/call-K (each removed after its call, outside the timing) and prints one
 * line for the last call: "wall_seconds process_cpu_seconds bytes_restored".
 */
public class EmbeddedRestore {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        Path parent = Path.of(args[1]);
        int calls = Integer.parseInt(args[2]);
        int parallel = Integer.parseInt(args[3]);
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
                r = strategy.restore(repo, RestoreRequest.to(to).withTarget(RecoveryTarget.immediate())
                        .withParallelism(parallel));
            }
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            last = String.format(java.util.Locale.ROOT, "%.2f %.2f %d", wall / 1e9, cpu / 1e9, r.bytesRestored());
            System.err.println("call " + k + ": " + last);
            delete(to);
        }
        System.out.println(last);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
