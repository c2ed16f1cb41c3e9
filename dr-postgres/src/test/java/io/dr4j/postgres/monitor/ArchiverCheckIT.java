package io.dr4j.postgres.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.monitor.ArchiverCheck;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;

/** The monitor's pg_stat_archiver check against a real server whose archive_command fails, then works. */
class ArchiverCheckIT {

    @Test
    void reportsAFailingArchiveCommandAndItsRecovery() throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow())
                .setting("archive_mode", "on").setting("archive_command", "'false'").start()) {
            ArchiverCheck check = new ArchiverCheck(() -> pg.connect("postgres"), Clock.systemUTC());
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
                s.execute("SELECT pg_switch_wal()");
            }
            HealthResult r = await(check, HealthStatus.DOWN);
            assertThat(r.message()).startsWith("PostgreSQL's archiver is failing:")
                    .contains("the last on 000000010000000000000001").contains("see the server log");
            assertThat(r.details()).containsEntry("archiveMode", "on").containsKey("lastFailedTime");
            assertThat((Long) r.details().get("failedCount")).isPositive();

            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET archive_command = 'true'");
                s.execute("SELECT pg_reload_conf()");
            }
            HealthResult ok = await(check, HealthStatus.UP);
            assertThat(ok.message()).startsWith("PostgreSQL's archiver works:");
            assertThat((Long) ok.details().get("archivedCount")).isPositive();
        }
    }

    @Test
    void anUnreachableServerIsDownWithTheReason() {
        int port = ScratchCluster.freePort();
        ArchiverCheck check = new ArchiverCheck(() -> java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2", "postgres", "pw"),
                Clock.systemUTC());
        HealthResult r = check.check();
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.message()).startsWith("pg-archiver could not be checked:").doesNotContain("pw");
    }

    private static HealthResult await(ArchiverCheck check, HealthStatus wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        HealthResult r = check.check();
        while (r.status() != wanted && System.nanoTime() < deadline) {
            Thread.sleep(250);
            r = check.check();
        }
        assertThat(r.status()).as(r.message()).isEqualTo(wanted);
        return r;
    }
}
