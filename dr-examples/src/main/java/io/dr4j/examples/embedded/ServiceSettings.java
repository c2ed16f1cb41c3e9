package io.dr4j.examples.embedded;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.postgres.logical.PgTarget;

import org.jspecify.annotations.Nullable;

/**
 * What the embedded service reads from its configuration (a properties file, overridden by {@code DR_*} variables;
 * the PostgreSQL connection also from {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD},
 * {@code PGDATABASE}).
 *
 * @param config      the whole configuration (the scheduler and the backup monitor read their own keys from it)
 * @param postgres    the cluster to back up ({@code dr.postgres.*})
 * @param dataDir     {@code dr.postgres.data-dir} / {@code PGDATA}: direct-mode backups; absent: stream mode
 * @param repository  {@code dr.repository}
 * @param extraCron   {@code dr.schedule.backup.cron}: a second backup job besides the daily 02:00 UTC full backup
 * @param extraType   {@code dr.schedule.backup.type}: full, diff or incr (default incr)
 * @param httpPort    {@code dr.service.http-port} (default 8089; 0 = any free port), bound to 127.0.0.1 only
 * @param slot        {@code dr.service.slot}: the archiver's replication slot (default dr4j)
 * @param spoolDir    {@code dr.service.spool-dir}: the archiver's local spool
 * @param leaderRetry {@code dr.service.leader-retry}: how often a standby tries to become the leader (default 10s)
 */
public record ServiceSettings(ProviderConfig config, PgTarget postgres, @Nullable Path dataDir, URI repository,
                              @Nullable String extraCron, BackupType extraType, int httpPort, String slot,
                              Path spoolDir, Duration leaderRetry) {

    /** Reads the settings; throws one {@link ConfigurationException} naming the missing keys. */
    public static ServiceSettings from(ProviderConfig config, Map<String, String> env) {
        String repo = config.get("dr.repository").orElseThrow(() -> new ConfigurationException(
                "dr.repository is not set: the backup repository, e.g. file:/var/backups/db or s3://bucket/prefix "
                        + "(DR_REPOSITORY)"));
        ProviderConfig pg = config.scope("dr.postgres");
        PgTarget base = PgTarget.fromEnvironment(env);
        PgTarget target = new PgTarget(pg.get("host", base.host()), pg.getInt("port", base.port()),
                pg.get("user", base.user()), pg.secret("password").orElse(base.password()),
                pg.get("database", base.database()));
        Path dataDir = pg.get("data-dir").or(() -> Optional.ofNullable(env.get("PGDATA"))).map(Path::of).orElse(null);
        BackupType type = switch (config.get("dr.schedule.backup.type", "incr")) {
            case "full" -> BackupType.FULL;
            case "diff" -> BackupType.DIFF;
            case "incr" -> BackupType.INCR;
            default -> throw new ConfigurationException("dr.schedule.backup.type must be full, diff or incr");
        };
        ProviderConfig svc = config.scope("dr.service");
        String slot = svc.get("slot", "dr4j");
        Path spool = svc.get("spool-dir").map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir"),
                "dr4j-service-spool-" + slot));
        return new ServiceSettings(config, target, dataDir, URI.create(repo.contains(":") ? repo
                : Path.of(repo).toUri().toString()), config.get("dr.schedule.backup.cron").orElse(null), type,
                svc.getInt("http-port", 8089), slot, spool, svc.getDuration("leader-retry", Duration.ofSeconds(10)));
    }
}
