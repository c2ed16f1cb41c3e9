package io.dr4j.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

class DrMetricsTest {

    @Test
    void recordsBackupsVerificationsRestoresAndExposesAgeAndLag() {
        Instant now = Instant.parse("2026-11-26T08:00:00Z");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DrMetrics m = new DrMetrics("db-prod", Clock.fixed(now, ZoneOffset.UTC));
        m.bindTo(registry);
        assertThat(registry.get("dr4j.backup.age").gauge().value()).as("no backup yet").isNaN();

        m.backupSucceeded(new BackupManifest(1, "20261126T020000Z-full", BackupType.FULL, null, "sys", "postgresql",
                Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-26T02:30:00Z"), Map.of(), Map.of(),
                List.of(), 1_000_000, 250_000));
        m.backupFailed("full", Duration.ofMinutes(3));
        m.verification(true, Duration.ofSeconds(40));
        m.verification(false, Duration.ofSeconds(5));
        m.restore(true, Duration.ofMinutes(12));
        m.walArchived(Instant.parse("2026-11-26T07:59:30Z"), 4096);

        assertThat(registry.get("dr4j.backup.duration").tags("outcome", "success", "type", "full").timer()
                .totalTime(TimeUnit.MINUTES)).isEqualTo(30.0);
        assertThat(registry.get("dr4j.backup.duration").tags("outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.backup.size").tags("kind", "original").summary().totalAmount())
                .isEqualTo(1_000_000.0);
        assertThat(registry.get("dr4j.backup.size").tags("kind", "stored").summary().totalAmount()).isEqualTo(250_000.0);
        assertThat(registry.get("dr4j.backup.age").tags("system", "db-prod").gauge().value()).isEqualTo(5.5 * 3600);
        assertThat(registry.get("dr4j.backup.last.success").gauge().value())
                .isEqualTo(Instant.parse("2026-11-26T02:30:00Z").getEpochSecond());
        assertThat(registry.get("dr4j.verification").tags("result", "passed").counter().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.verification").tags("result", "failed").counter().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.restore.duration").timer().totalTime(TimeUnit.MINUTES)).isEqualTo(12.0);
        assertThat(registry.get("dr4j.wal.archive.lag").gauge().value()).isEqualTo(30.0);
        assertThat(registry.get("dr4j.wal.archive.lag.bytes").gauge().value()).isEqualTo(4096.0);

        m.checkResults(List.of(new HealthResult("backup-age", HealthStatus.DOWN, "old", Map.of(), Duration.ZERO, now),
                new HealthResult("wal-lag", HealthStatus.UP, "ok", Map.of("lagBytes", 16L << 20,
                        "newestArchivedAt", "2026-11-26T07:59:50Z"), Duration.ZERO, now)));
        assertThat(registry.get("dr4j.check.status").tags("check", "backup-age").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("dr4j.check.status").tags("check", "wal-lag").gauge().value()).isZero();
        assertThat(registry.get("dr4j.wal.archive.lag").gauge().value()).isEqualTo(10.0);
        assertThat(registry.get("dr4j.wal.archive.lag.bytes").gauge().value()).isEqualTo(16.0 * 1024 * 1024);
    }
}
