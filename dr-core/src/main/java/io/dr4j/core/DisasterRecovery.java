package io.dr4j.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.codec.ObjectEncryption;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.events.DrEventListener;
import io.dr4j.core.internal.spi.ServiceRegistry;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.jspecify.annotations.Nullable;

/**
 * The entry point: {@code DisasterRecovery.configure().repository("s3://bucket/db").load()}.
 *
 * <p>Holds the backup target and the codec settings of the repository; plugins (PostgreSQL, deployers) take it
 * or its {@link #openRepository} result. Explicit instances ({@link Configuration#target(BackupTarget)}) never
 * go through ServiceLoader.
 */
public final class DisasterRecovery implements AutoCloseable {
    private final BackupTarget target;
    private final RepositoryOptions repositoryOptions;
    private final ProviderConfig config;

    private DisasterRecovery(BackupTarget target, RepositoryOptions repositoryOptions, ProviderConfig config) {
        this.target = target;
        this.repositoryOptions = repositoryOptions;
        this.config = config;
    }

    public static Configuration configure() {
        return new Configuration();
    }

    public BackupTarget target() {
        return target;
    }

    public RepositoryOptions repositoryOptions() {
        return repositoryOptions;
    }

    public ProviderConfig config() {
        return config;
    }

    /** Opens the existing repository at the target. */
    public Repository repository() {
        return Repository.open(target, repositoryOptions);
    }

    /**
     * Opens the repository of {@code systemId}, creating it when the target holds nothing but dr4j objects (or when
     * {@code dr.repository.init-non-empty} is true).
     */
    public Repository openRepository(String systemId, String systemKind) {
        return Repository.openOrInit(target, repositoryOptions, systemId, systemKind,
                config.getBoolean("dr.repository.init-non-empty", false));
    }

    @Override
    public void close() {
        target.close();
    }

    /** Fluent configuration; {@link #load()} validates everything at once. */
    public static final class Configuration {
        private @Nullable BackupTarget target;
        private @Nullable URI location;
        private ProviderConfig config = ProviderConfig.from(new Properties(), System.getenv());
        private @Nullable CodecSpec codec;
        private @Nullable ObjectEncryption encryption;
        private final List<DrEventListener> listeners = new ArrayList<>();
        private boolean recordBackupStatus;
        private @Nullable List<BackupTargetProvider> targetProviders;

        private Configuration() {
        }

        /**
         * A listener for the events of every repository opened through this instance (backups, restores,
         * verification, expiry, WAL archiving), e.g. {@code io.dr4j.core.metrics.DrMetrics}. Repeatable; a listener
         * that throws never fails the work.
         */
        public Configuration listener(DrEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Records each backup attempt in {@code status/last-backup.json} of the target
         * ({@link io.dr4j.core.monitor.BackupStatusRecorder}), where the backup monitor finds the reason of a failed
         * backup. Off by default; also on when {@code dr.monitor.record-status} ({@code DR_MONITOR_RECORD_STATUS}) is
         * {@code true}.
         */
        public Configuration recordBackupStatus(boolean record) {
            this.recordBackupStatus = record;
            return this;
        }

        /** The repository location: {@code file:/var/backups/db}, {@code s3://bucket/prefix}, {@code gs://bucket/prefix}, or a path. */
        public Configuration repository(String location) {
            this.location = BackupTargets.parse(Objects.requireNonNull(location, "location"));
            return this;
        }

        public Configuration repository(URI location) {
            this.location = Objects.requireNonNull(location, "location");
            return this;
        }

        /** An explicit target instance (no ServiceLoader). */
        public Configuration target(BackupTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * The providers that open the {@link #repository(URI) repository location}, instead of those
         * {@link java.util.ServiceLoader} finds. Finding them reads every jar of the class path (for the {@code dr}
         * command's ~200 jars ~0.2 s of CPU); a caller that knows which provider a location needs can skip that. The
         * selection rules ({@code dr.storage.provider}, priorities) are the same, among these providers only.
         */
        public Configuration backupTargetProviders(List<BackupTargetProvider> providers) {
            this.targetProviders = List.copyOf(providers);
            return this;
        }

        /** Configuration values ({@code dr.*} keys); defaults to the {@code DR_*} environment variables. */
        public Configuration config(ProviderConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Configuration codec(CodecSpec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        public Configuration encryption(@Nullable ObjectEncryption encryption) {
            this.encryption = encryption;
            return this;
        }

        /** Validates and builds; every problem is reported at once in one {@link ConfigurationException}. */
        public DisasterRecovery load() {
            List<String> problems = new ArrayList<>();
            if (target == null && location == null) {
                String fromConfig = config.get("dr.repository").orElse(null);
                if (fromConfig == null) {
                    problems.add("No repository: call repository(\"file:/var/backups/db\") or target(...), "
                            + "or set dr.repository / DR_REPOSITORY");
                } else {
                    location = BackupTargets.parse(fromConfig);
                }
            }
            if (target != null && location != null) {
                problems.add("Both repository(" + BackupTargets.redact(location) + ") and target(" + target.location()
                        + ") were given: choose one");
            }
            CodecSpec spec = codec;
            if (spec == null) {
                try {
                    Compression c = Compression.parse(config.get("dr.compression", "zstd"));
                    spec = new CodecSpec(c, config.getInt("dr.compression.level", c.defaultLevel()),
                            config.getInt("dr.compression.workers", 0));
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
            ObjectEncryption enc = encryption;
            if (enc == null) {
                try {
                    enc = configuredEncryption(config);
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems, null);
            }
            ProviderConfig targetConfig = config;
            if (target == null && config.get("dr.storage.retries").isEmpty() && BackupTargets.isRemote(location)) {
                // remote storage: whole-object retries on top of the SDK's per-request ones (docs/reliability.md)
                targetConfig = config.with("dr.storage.retries", Integer.toString(BackupTargets.DEFAULT_REMOTE_RETRIES));
            }
            BackupTarget t = target != null ? target : targetProviders == null ? BackupTargets.open(location, targetConfig)
                    : BackupTargets.open(location, targetConfig, ServiceRegistry.ofInstances(BackupTargetProvider.class,
                            "backup target", "dr.storage.provider", targetProviders));
            List<DrEventListener> all = new ArrayList<>();
            if (recordBackupStatus || Boolean.parseBoolean(config.get("dr.monitor.record-status", "false"))) {
                all.add(new io.dr4j.core.monitor.BackupStatusRecorder(t));
            }
            all.addAll(listeners);
            return new DisasterRecovery(t, new RepositoryOptions(spec, enc, all), config);
        }

        /**
         * The repository key from {@code dr.repository.key-file} (a file holding base64 of 32 bytes) or
         * {@code dr.repository.key} ({@code DR_REPOSITORY_KEY}); none when neither is set.
         */
        private static @Nullable ObjectEncryption configuredEncryption(ProviderConfig config) {
            io.dr4j.core.codec.KeyProvider key = io.dr4j.core.codec.KeyProvider.fromConfig(config);
            return key == null ? null : io.dr4j.core.codec.EnvelopeEncryption.with(key);
        }
    }
}
