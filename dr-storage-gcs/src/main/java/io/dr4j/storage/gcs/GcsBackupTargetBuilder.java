package io.dr4j.storage.gcs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;
import io.dr4j.core.storage.spi.RemoteTargetBuilder;

import org.jspecify.annotations.Nullable;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;

/**
 * Builds a {@link GcsBackupTarget}. Every setting has a {@code dr.storage.gcs.*} key read by
 * {@link GcsBackupTargetProvider}. Credentials: an explicit service-account key (file or {@link Secret}), else
 * Application Default Credentials; with an emulator endpoint and no key, no credentials.
 */
public final class GcsBackupTargetBuilder extends RemoteTargetBuilder<GcsBackupTargetBuilder, GcsBackupTarget> {
    static final int CHUNK_GRANULARITY = 256 * 1024;

    private @Nullable GcsLocation location;
    private @Nullable String projectId;
    private int chunkSize = 8 * 1024 * 1024;
    private @Nullable String kmsKeyName;
    private GcsSettings.@Nullable RetentionMode retentionMode;
    private @Nullable Duration retention;
    private boolean eventBasedHold;
    private @Nullable Path credentialsFile;
    private @Nullable Secret credentialsJson;
    private @Nullable Storage storage;

    GcsBackupTargetBuilder() {
        super(GcsBackupTargetProvider.NAMESPACE, "http://127.0.0.1:4443",
                "dr.storage.gcs.credentials-file or dr.storage.gcs.credentials-json");
        String emulator = System.getenv("STORAGE_EMULATOR_HOST");
        if (emulator != null && !emulator.isBlank()) {
            endpoint(URI.create(emulator.contains("://") ? emulator : "http://" + emulator));
        }
    }

    /** {@code gs://bucket/prefix}. */
    public GcsBackupTargetBuilder location(URI uri) {
        this.location = GcsLocation.parse(uri);
        return this;
    }

    public GcsBackupTargetBuilder location(String bucket, String prefix) {
        this.location = new GcsLocation(bucket, prefix);
        return this;
    }

    public GcsBackupTargetBuilder projectId(@Nullable String projectId) {
        this.projectId = projectId;
        return this;
    }

    /** Resumable upload chunk size, a multiple of 256 KiB; default 8 MiB. */
    public GcsBackupTargetBuilder chunkSize(int bytes) {
        this.chunkSize = bytes;
        return this;
    }

    /** Customer-managed encryption key for new objects. */
    public GcsBackupTargetBuilder kmsKeyName(@Nullable String kmsKeyName) {
        this.kmsKeyName = kmsKeyName;
        return this;
    }

    /** Object retention for every new object (unless a write sets retainUntil). */
    public GcsBackupTargetBuilder retention(GcsSettings.@Nullable RetentionMode mode, @Nullable Duration retention) {
        this.retentionMode = mode;
        this.retention = retention;
        return this;
    }

    public GcsBackupTargetBuilder eventBasedHold(boolean hold) {
        this.eventBasedHold = hold;
        return this;
    }

    public GcsBackupTargetBuilder credentialsFile(@Nullable Path file) {
        this.credentialsFile = file;
        return this;
    }

    public GcsBackupTargetBuilder credentialsJson(@Nullable Secret json) {
        this.credentialsJson = json;
        return this;
    }

    /** Uses this client (not closed by the target); client settings of this builder are then ignored. */
    public GcsBackupTargetBuilder storage(Storage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
        return this;
    }

    @Override
    protected void addProblems(List<String> problems) {
        if (location == null) {
            problems.add("dr.storage.gcs: the location gs://<bucket>/<prefix> is required");
        }
        if (chunkSize < CHUNK_GRANULARITY || chunkSize % CHUNK_GRANULARITY != 0) {
            problems.add("dr.storage.gcs.chunk-size must be a positive multiple of 256 KiB, was " + chunkSize + " bytes");
        }
        checkRetention(problems, "dr.storage.gcs.retention-mode", retentionMode, "dr.storage.gcs.retention", retention,
                "unlocked or locked");
        if (credentialsFile != null && credentialsJson != null) {
            problems.add("set only one of dr.storage.gcs.credentials-file and dr.storage.gcs.credentials-json");
        }
        if (credentialsFile != null && !Files.isReadable(credentialsFile)) {
            problems.add("dr.storage.gcs.credentials-file " + credentialsFile + " does not exist or is not readable");
        }
    }

    @Override
    protected GcsBackupTarget open() {
        GcsSettings settings = new GcsSettings(Objects.requireNonNull(location), projectId, endpoint(), chunkSize,
                kmsKeyName, retentionMode, retention, eventBasedHold, maxAttempts());
        return storage != null ? new GcsBackupTarget(settings, storage, false)
                : new GcsBackupTarget(settings, client(settings), true);
    }

    @Override
    protected void verify(GcsBackupTarget target) {
        target.verify();
    }

    private Storage client(GcsSettings s) {
        RetrySettings retry = ServiceOptions.getDefaultRetrySettings().toBuilder()
                .setMaxAttempts(s.maxAttempts())
                .setInitialRetryDelayDuration(Duration.ofMillis(200))
                .setMaxRetryDelayDuration(Duration.ofSeconds(20))
                .setRetryDelayMultiplier(2.0)
                .build();
        StorageOptions.Builder b = StorageOptions.http()
                .setRetrySettings(retry)
                .setStorageRetryStrategy(StorageRetryStrategy.getDefaultStorageRetryStrategy());
        if (s.projectId() != null) {
            b.setProjectId(s.projectId());
        }
        if (s.endpoint() != null) {
            b.setHost(s.endpoint().toString());
        }
        try {
            if (credentialsFile != null) {
                try (InputStream in = Files.newInputStream(credentialsFile)) {
                    b.setCredentials(GoogleCredentials.fromStream(in));
                }
            } else if (credentialsJson != null) {
                b.setCredentials(GoogleCredentials.fromStream(new ByteArrayInputStream(credentialsJson.revealBytes())));
            } else if (s.endpoint() != null && !s.endpoint().getHost().endsWith("googleapis.com")) {
                b.setCredentials(NoCredentials.getInstance());
                if (s.projectId() == null) {
                    b.setProjectId("dr4j-emulator");
                }
            }
            return b.build().getService();
        } catch (IOException | RuntimeException e) {
            // the message of a credentials parse error never contains the key material itself
            throw new ConfigurationException("Cannot create the GCS client for " + s.location() + ": "
                    + e.getClass().getSimpleName() + (credentialsFile != null ? " reading " + credentialsFile : "")
                    + ". Check dr.storage.gcs.credentials-file / credentials-json or the Application Default Credentials",
                    e);
        }
    }
}
