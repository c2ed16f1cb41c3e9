package io.dr4j.examples.embedded;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.schedule.JobEvent;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded service against a real PostgreSQL cluster and a file repository: the leader archives WAL and runs the
 * 02:00 UTC full backup when its clock gets there, serves /health and /metrics; a second instance stays standby and
 * runs nothing while the first holds the advisory lock, and takes over (without repeating the fire time the first
 * ran) when it stops; SIGTERM stops the service cleanly and frees the lock and the replication slot.
 */
class EmbeddedBackupServiceIT {
    @TempDir
    Path dir;


    private Map<String, String> config(ScratchCluster pg, String spool) {
        Map<String, String> m = new HashMap<>();
        m.put("dr.repository", dir.resolve("repo").toUri().toString());
        m.put("dr.postgres.host", "127.0.0.1");
        m.put("dr.postgres.port", Integer.toString(pg.port()));
        m.put("dr.postgres.user", "postgres");
        m.put("dr.postgres.database", "postgres");
        m.put("dr.postgres.data-dir", pg.dataDir().toString());
        m.put("dr.service.http-port", "0");
        m.put("dr.service.slot", "dr4j_embedded");
        m.put("dr.service.spool-dir", dir.resolve(spool).toString());
        m.put("dr.service.leader-retry", "200ms");
        return m;
    }

    private static ServiceSettings settings(Map<String, String> m) {
        return ServiceSettings.from(ProviderConfig.of(m), Map.of());
    }

    static HttpResponse<String> get(URI base, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long currentLsn(ScratchCluster pg, String sql) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute(sql);
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                rs.next();
                return WalNames.parseLsn(rs.getString(1));
            }
        }
    }

    private static void await(List<Future<?>> runs) throws Exception {
        for (Future<?> f : runs) {
            f.get(2, TimeUnit.MINUTES);
        }
    }

    @Test
    void leaderArchivesAndBacksUpOnScheduleStandbyRunsNothingUntilItTakesOver() throws Exception {
        PostgresBinaries bin = PostgresBinaries.installed(15).orElseThrow();
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            // a controllable clock just before the next 02:00 UTC
            Instant next0200 = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(2));
            if (!next0200.isAfter(Instant.now())) {
                next0200 = next0200.plus(Duration.ofDays(1));
            }
            ManualClock clockA = new ManualClock(next0200.minusSeconds(2));
            ManualClock clockB = new ManualClock(next0200.minusSeconds(2));
            EmbeddedBackupService a = EmbeddedBackupService.start(settings(config(pg, "spool-a")), clockA);
            EmbeddedBackupService b = null;
            try {
                assertThat(a.awaitLeadership(Duration.ofSeconds(20))).isTrue();
                HttpResponse<String> before = get(a.uri(), "/health");
                assertThat(before.statusCode()).as("no backup yet: DOWN").isEqualTo(503);
                assertThat(before.body()).contains("\"leader\":true").contains("\"name\":\"database\"")
                        .contains("\"name\":\"wal-archiver\"");

                // WAL is streamed into the repository
                long lsn = currentLsn(pg, "CREATE TABLE t AS SELECT g FROM generate_series(1, 10000) g");
                assertThat(a.archiver().orElseThrow().awaitArchived(lsn, Duration.ofSeconds(60))).isTrue();
                assertThat(a.repository().wal().timelines()).isNotEmpty();

                b = EmbeddedBackupService.start(settings(config(pg, "spool-b")), clockB);
                Thread.sleep(1000); // five leadership attempts
                assertThat(b.isLeader()).isFalse();
                assertThat(b.archiver()).isEmpty();

                // 02:00 UTC: the leader runs the daily full backup; the standby runs nothing at the same time
                clockA.set(next0200.plusSeconds(1));
                clockB.set(next0200.plusSeconds(1));
                List<Future<?>> runs = a.runDueJobs();
                assertThat(runs).hasSize(1);
                assertThat(b.runDueJobs()).isEmpty();
                await(runs);
                List<BackupManifest> backups = a.repository().catalog().list();
                assertThat(backups).singleElement().satisfies(m -> assertThat(m.type()).isEqualTo(BackupType.FULL));
                assertThat(a.events()).extracting(JobEvent::type).contains(JobEvent.Type.SUCCEEDED);
                assertThat(b.events()).isEmpty();

                HttpResponse<String> health = get(a.uri(), "/health");
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"UP\"").contains("STREAMING");
                HttpResponse<String> standby = get(b.uri(), "/health");
                assertThat(standby.statusCode()).as(standby.body()).isEqualTo(200);
                assertThat(standby.body()).contains("\"leader\":false").contains("standby");
                HttpResponse<String> metrics = get(a.uri(), "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("\"name\":\"dr4j.backup.last.success\"")
                        .contains("\"name\":\"dr4j.backup.duration\"");

                // the leader stops: the standby takes over the lock, the slot and the schedule, and does not repeat
                // the 02:00 run the first instance did
                a.close();
                assertThat(b.awaitLeadership(Duration.ofSeconds(20))).isTrue();
                long lsn2 = currentLsn(pg, "INSERT INTO t SELECT g FROM generate_series(1, 10000) g");
                assertThat(b.archiver().orElseThrow().awaitArchived(lsn2, Duration.ofSeconds(60))).isTrue();
                assertThat(b.runDueJobs()).as("02:00 of today already ran on the other instance").isEmpty();
                clockB.set(next0200.plus(Duration.ofDays(1)).plusSeconds(1));
                await(b.runDueJobs());
                assertThat(b.repository().catalog().list()).hasSize(2);
            } finally {
                a.close();
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    @Test
    void sigtermStopsTheServiceCleanly() throws Exception {
        PostgresBinaries bin = PostgresBinaries.installed(15).orElseThrow();
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start()) {
            int port = ScratchCluster.freePort();
            Map<String, String> m = config(pg, "spool-main");
            m.put("dr.service.http-port", Integer.toString(port));
            m.put("dr.schedule.backup.cron", "*/5 * * * *");
            Path props = dir.resolve("service.properties");
            StringBuilder sb = new StringBuilder();
            m.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Files.writeString(props, sb.toString());
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), EmbeddedBackupService.class.getName(), props.toString())
                    .redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (out) {
                            out.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException e) {
                    // process ended
                }
            });
            reader.start();
            try {
                URI base = URI.create("http://127.0.0.1:" + port + "/");
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String body = "";
                while (!body.contains("\"leader\":true") || !body.contains("STREAMING")) {
                    assertThat(System.nanoTime()).as("the service did not lead and stream within 60 s: " + out)
                            .isLessThan(end);
                    try {
                        body = get(base, "/health").body();
                    } catch (java.io.IOException e) {
                        // not listening yet
                    }
                    Thread.sleep(200);
                }
                assertThat(lockAndSlot(pg)).isEqualTo("locks=1 slotActive=true");

                // SIGTERM (Process.destroy() would also close our end of its output, losing what it prints)
                assertThat(p.toHandle().destroy()).isTrue();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out.toString()).isTrue();
                reader.join(5000);
                assertThat(p.exitValue()).isEqualTo(143);
                synchronized (out) {
                    assertThat(out.toString()).contains("dr4j embedded service stopped cleanly");
                }
                assertThat(lockAndSlot(pg)).isEqualTo("locks=0 slotActive=false");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static String lockAndSlot(ScratchCluster pg) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'), "
                     + "(SELECT active FROM pg_replication_slots WHERE slot_name = 'dr4j_embedded')")) {
            rs.next();
            return "locks=" + rs.getLong(1) + " slotActive=" + rs.getBoolean(2);
        }
    }
}
