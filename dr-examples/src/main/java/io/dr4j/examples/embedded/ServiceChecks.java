package io.dr4j.examples.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.postgres.wal.WalArchiver;

/** The service's own checks: the WAL archiver (on the leader) and the leadership. */
final class ServiceChecks {
    private ServiceChecks() {
    }

    /** UP when streaming on the leader, or on a standby (another instance archives). */
    static final class Archiver implements HealthCheck {
        private final EmbeddedBackupService service;

        Archiver(EmbeddedBackupService service) {
            this.service = service;
        }

        @Override
        public String name() {
            return "wal-archiver";
        }

        @Override
        public HealthResult check() {
            if (!service.isLeader()) {
                return HealthResult.up(name(), "standby: the leader archives WAL", Duration.ZERO);
            }
            return service.archiver().map(a -> {
                WalArchiver.Status s = a.status();
                HealthStatus st = switch (s.state()) {
                    case STREAMING -> HealthStatus.UP;
                    case CONNECTING, RECONNECTING, NEW -> HealthStatus.DEGRADED;
                    default -> HealthStatus.DOWN;
                };
                return new HealthResult(name(), st, s.toString(), Map.of("state", s.state().name()), Duration.ZERO,
                        Instant.now());
            }).orElse(HealthResult.down(name(), "leader without an archiver", Duration.ZERO));
        }
    }

    /** Always UP: says whether this instance leads. */
    static final class Leadership implements HealthCheck {
        private final EmbeddedBackupService service;

        Leadership(EmbeddedBackupService service) {
            this.service = service;
        }

        @Override
        public String name() {
            return "leader";
        }

        @Override
        public HealthResult check() {
            boolean leader = service.isLeader();
            return HealthResult.up(name(), leader ? "this instance holds the leader lock "
                    + EmbeddedBackupService.LEADER_LOCK : "standby: another instance holds the leader lock",
                    Duration.ZERO).withDetails(Map.of("leader", leader));
        }
    }
}
