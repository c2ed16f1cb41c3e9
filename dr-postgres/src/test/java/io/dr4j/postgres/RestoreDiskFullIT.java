package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore onto a disk that is too small, for real (a tmpfs mounted by the test; needs root, as CI does): refused
 * before writing when the free space is known to be short; when the disk fills up half-way, a clear error names the
 * directory and the space needed and free, the half-restored directory has no {@code global/pg_control} and
 * {@code pg_ctl start} fails on it, a new restore refuses it, and a delta restore resumes it once there is space.
 */
class RestoreDiskFullIT {
    @TempDir
    Path tmp;
    Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mount = Files.createTempDirectory("dr4j-restore-full");
        run("mount", "-t", "tmpfs", "-o", "size=12m,mode=0777", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("%s failed: %s (this test mounts a tmpfs and must run as root, as CI does)",
                String.join(" ", cmd), out).isZero();
    }

    @Test
    void aRestoreThatDoesNotFitFailsClearlyAndLeavesADirectoryThatCannotStart() throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15()).start()) {
            sql(pg, "CREATE TABLE t (id int primary key, v text)",
                    "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
            String sysId = query(pg, "select system_identifier::text from pg_control_system()");
            Repository repo = repository(tmp.resolve("repo"), sysId);
            BackupResult b = PostgresBackupSource.builder(handle(pg)).build().backup(repo, BackupRequest.of(BackupType.FULL));
            long size = b.manifest().size();
            assertThat(size).as("the backup is larger than the 12 MiB disk").isGreaterThan(20L << 20);
            PostgresRestoreStrategy restore = PostgresRestoreStrategy.builder().binaries(pg15()).build();
            Path dest = mount.resolve("pgdata");
            RestoreRequest request = RestoreRequest.to(dest).withBackup(b.id()).withTarget(RecoveryTarget.immediate());

            // 1. known to be short: refused before anything is written
            assertThatThrownBy(() -> restore.restore(repo, request))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("Not enough space").hasMessageContaining(dest.toString())
                    .hasMessageContaining("needs").hasMessageContaining("(" + RestoreSpace.needed(b.manifest()) + " bytes)")
                    .hasMessageContaining("free").hasMessageContaining("Nothing was written");
            assertThat(dest).doesNotExist();

            // 2. the disk fills up half-way (the check skipped, as for a compressing file system)
            RestoreRequest unchecked = request.withOptions(Map.of("check-free-space", "false"));
            assertThatThrownBy(() -> restore.restore(repo, unchecked))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("No space left on device").hasMessageContaining(dest.toString())
                    .hasMessageContaining("needs").hasMessageContaining("free now").hasMessageContaining("--delta");
            assertThat(dest.resolve("global/pg_control")).as("pg_control is written last").doesNotExist();
            assertThat(dest.resolve(RestoreSpace.MARKER)).exists();
            try (Stream<Path> s = Files.walk(dest)) {
                assertThat(s.filter(Files::isRegularFile).count()).as("the restore had written files").isGreaterThan(10);
            }

            // a real attempt to start the half-restored directory fails
            StartAttempt attempt = tryToStart(dest);
            Processes.Result start = attempt.result();
            String log = attempt.log();
            assertThat(start.exitCode()).as("pg_ctl start on the half-restored directory: %s%n%s", start.output(), log)
                    .isNotZero();
            assertThat(start.output() + log).containsAnyOf("pg_control", "not a database cluster directory");
            System.out.println("FIGURE pg_ctl start on the half-restored directory: " + start.output().strip() + " "
                    + log.strip());
            assertThat(dest.resolve("postmaster.pid")).doesNotExist();

            // 3. a new restore refuses the directory, naming the marker and the way out
            assertThatThrownBy(() -> restore.restore(repo, request))
                    .isInstanceOf(RestoreFailedException.class).hasMessageContaining("did not finish")
                    .hasMessageContaining("--delta");

            // 4. with space, a delta restore resumes it; the server starts and holds the data
            run("mount", "-o", "remount,size=400m", mount.toString());
            RestoreResult r = restore.restore(repo, request.withDelta(true).withStart(true)
                    .withOptions(Map.of("stop-after-recovery", "false")));
            assertThat(dest.resolve("global/pg_control")).exists();
            assertThat(dest.resolve(RestoreSpace.MARKER)).doesNotExist();
            int port = Integer.parseInt(r.details().get("port"));
            assertThat(query(port, "select count(*) from t")).isEqualTo("20000");
            Processes.run(Processes.asPostgresUser(List.of(PG15_BIN.resolve("pg_ctl").toString(), "-D", dest.toString(),
                    "-m", "immediate", "-w", "stop")), Map.of(), null, Duration.ofSeconds(60));
            System.out.println("FIGURE restore disk full: backup " + size + " bytes onto a 12 MiB tmpfs: refused "
                    + "up front; unchecked it failed half-way, pg_ctl start failed, delta resume succeeded");
        }
    }

    /**
     * The pg_control guard on its own: every file but {@code global/pg_control} restored (its stored object is
     * damaged, so the restore fails on it, last), {@code postgresql.conf} and all the rest in place — and
     * {@code pg_ctl start} still fails, because the server has no control file to start from.
     */
    @Test
    void aRestoreThatFailsOnItsLastFileLeavesNoControlFileAndCannotStart() throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15()).start()) {
            sql(pg, "CREATE TABLE t (id int primary key, v text)",
                    "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            String sysId = query(pg, "select system_identifier::text from pg_control_system()");
            Path repoDir = tmp.resolve("repo");
            Repository repo = repository(repoDir, sysId);
            BackupResult b = PostgresBackupSource.builder(handle(pg)).build().backup(repo, BackupRequest.of(BackupType.FULL));
            String key = b.manifest().files().stream().filter(f -> f.path().equals("global/pg_control")).findFirst()
                    .orElseThrow().objectKey();
            Path stored = repoDir.resolve(key);
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(stored, bytes);

            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path dest = tmp.resolve("pgdata"); // reachable by the postgres user, who tries to start it below
            PostgresRestoreStrategy restore = PostgresRestoreStrategy.builder().binaries(pg15()).build();
            assertThatThrownBy(() -> restore.restore(repo, RestoreRequest.to(dest).withBackup(b.id())
                    .withTarget(RecoveryTarget.immediate())))
                    .isInstanceOf(io.dr4j.core.DrException.class).hasMessageContaining("global/pg_control");
            assertThat(dest.resolve("global/pg_control")).doesNotExist();
            assertThat(dest.resolve("postgresql.conf")).exists();
            assertThat(dest.resolve("PG_VERSION")).exists();
            assertThat(dest.resolve(RestoreSpace.MARKER)).exists();

            StartAttempt attempt = tryToStart(dest);
            Processes.Result start = attempt.result();
            String log = attempt.log();
            assertThat(start.exitCode()).as("pg_ctl start without pg_control: %s%n%s", start.output(), log).isNotZero();
            assertThat(start.output() + log).contains("pg_control");
            assertThat(dest.resolve("postmaster.pid")).doesNotExist();
            System.out.println("FIGURE pg_ctl start with every file but pg_control: " + (start.output() + log).strip());
        }
    }

    record StartAttempt(Processes.Result result, String log) {
    }

    /** A real {@code pg_ctl start} on {@code dest} as the postgres user, with its output and the server's log. */
    private static StartAttempt tryToStart(Path dest) throws Exception {
        Processes.chownToPostgres(dest);
        Path logs = Files.createTempDirectory("dr4j-start-attempt");
        Processes.chownToPostgres(logs);
        Path logFile = logs.resolve("start.log");
        Processes.Result start = Processes.run(Processes.asPostgresUser(List.of(PG15_BIN.resolve("pg_ctl").toString(),
                "-D", dest.toString(), "-o", "-p " + ScratchCluster.freePort() + " -k " + logs, "-w", "-t", "20",
                "-l", logFile.toString(), "start")), Map.of(), null, Duration.ofSeconds(60));
        return new StartAttempt(start, Files.exists(logFile) ? Files.readString(logFile) : "");
    }
}
