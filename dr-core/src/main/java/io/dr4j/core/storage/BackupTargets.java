package io.dr4j.core.storage;

import java.net.URI;
import java.util.Objects;
import java.util.stream.Collectors;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.internal.spi.ServiceRegistry;
import io.dr4j.core.spi.Providers;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/**
 * Opens {@link BackupTarget}s from URIs through the installed providers: {@code file:/var/backups} (dr-core),
 * {@code s3://bucket/prefix} (dr-storage-s3), {@code gs://bucket/prefix} (dr-storage-gcs).
 */
public final class BackupTargets {
    private BackupTargets() {
    }

    /** Opens a target with the default configuration from the environment. */
    public static BackupTarget open(URI location) {
        return open(location, ProviderConfig.from(new java.util.Properties(), System.getenv()));
    }

    /** Opens a target; {@code config} is the root configuration, each provider reads its own namespace. */
    public static BackupTarget open(URI location, ProviderConfig config) {
        return open(location, config, Providers.backupTargets());
    }

    public static BackupTarget open(URI location, ProviderConfig config, ServiceRegistry<BackupTargetProvider> registry) {
        Objects.requireNonNull(location, "location");
        URI normalized = normalize(location);
        BackupTargetProvider provider = registry.select(redact(normalized),
                p -> p.supports(normalized), BackupTargetProvider::id, BackupTargetProvider::priority,
                p -> p.id() + " (" + String.join(", ", p.schemes().stream().map(s -> s + "://")
                        .collect(Collectors.toList())) + ", " + p.artifact() + ")",
                hint(normalized));
        return withRetries(provider.create(normalized, config), normalized, config);
    }

    /**
     * Wraps {@code target} in a {@link RetryingBackupTarget} as configured: {@code dr.storage.retries}
     * ({@code DR_STORAGE_RETRIES}, retries after the first attempt; 0 disables them), {@code dr.storage.retry-backoff}
     * (the first pause, default 200ms, doubling with jitter) and {@code dr.storage.retry-max-backoff} (default 10s).
     * Without {@code dr.storage.retries} nothing is wrapped here; {@link io.dr4j.core.DisasterRecovery} (and so the
     * {@code dr} command) sets 4 retries for cloud object stores ({@link #isRemote}) unless configured.
     * A {@code mirror:} is not wrapped itself, each of its mirrors is (so a corrupt copy still falls to the next).
     */
    public static final int DEFAULT_REMOTE_RETRIES = 4;

    /** Schemes of object stores that get retries by default ({@link #isRemote}). */
    private static final java.util.Set<String> REMOTE_SCHEMES = java.util.Set.of("s3", "gs", "gcs");

    /**
     * Whether {@code location} is a cloud object store ({@code s3://}, {@code gs://}, or a {@code mirror:} with one),
     * where {@link io.dr4j.core.DisasterRecovery} turns whole-object retries on by default. Other plugins' schemes
     * are not assumed remote: configure {@code dr.storage.retries} for them.
     */
    public static boolean isRemote(URI location) {
        String scheme = location.getScheme() == null ? "file" : location.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("mirror")) {
            return java.util.Arrays.stream(location.getSchemeSpecificPart().split(",")).map(String::trim)
                    .filter(p -> !p.isEmpty()).anyMatch(p -> isRemote(parse(p)));
        }
        return REMOTE_SCHEMES.contains(scheme);
    }

    static BackupTarget withRetries(BackupTarget target, URI location, ProviderConfig config) {
        String scheme = location.getScheme() == null ? "file" : location.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("mirror") || target instanceof RetryingBackupTarget) {
            return target;
        }
        int retries;
        java.time.Duration initial;
        java.time.Duration max;
        try {
            retries = config.getInt("dr.storage.retries", 0);
            initial = config.getDuration("dr.storage.retry-backoff", java.time.Duration.ofMillis(200));
            max = config.getDuration("dr.storage.retry-max-backoff", java.time.Duration.ofSeconds(10));
            if (retries < 0) {
                throw new io.dr4j.core.ConfigurationException("dr.storage.retries must be 0 or more, was " + retries);
            }
            if (max.compareTo(initial) < 0 || initial.isNegative()) {
                throw new io.dr4j.core.ConfigurationException("dr.storage.retry-max-backoff (" + max
                        + ") must not be shorter than dr.storage.retry-backoff (" + initial + ")");
            }
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        if (retries == 0) {
            return target;
        }
        return RetryingBackupTarget.builder().maxAttempts(retries + 1).backoff(initial, max).build(target);
    }

    /** A bare path or a relative {@code file:} spelling becomes an absolute {@code file:} URI. */
    public static URI normalize(URI location) {
        if (location.getScheme() == null) {
            return java.nio.file.Path.of(location.getPath()).toAbsolutePath().normalize().toUri();
        }
        return location;
    }

    /** Parses a user-supplied location: a URI with a scheme, or a local path. */
    public static URI parse(String location) {
        Objects.requireNonNull(location, "location");
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !location.matches("^[a-zA-Z]:\\\\.*")) {
            try {
                return new URI(location);
            } catch (java.net.URISyntaxException e) {
                throw new io.dr4j.core.ConfigurationException("Malformed repository location '" + redact(location)
                        + "': " + e.getReason() + ". Use a URI such as file:/var/backups, s3://bucket/prefix or gs://bucket/prefix");
            }
        }
        return java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri();
    }

    /** The location without user info (credentials) or query. */
    public static String redact(URI uri) {
        if (uri.getUserInfo() == null && uri.getQuery() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (java.net.URISyntaxException e) {
            return uri.getScheme() + "://<redacted>";
        }
    }

    static String redact(String s) {
        return s.replaceAll("//[^/@]*@", "//<redacted>@").replaceAll("\\?.*$", "");
    }

    private static String hint(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        return switch (scheme) {
            case "s3" -> "Add the artifact io.dr4j:dr-storage-s3 to the class path for s3:// locations.";
            case "gs", "gcs" -> "Add the artifact io.dr4j:dr-storage-gcs to the class path for gs:// locations.";
            case "file" -> "io.dr4j:dr-core provides file: locations; is dr-core's META-INF/services intact (shaded jar without ServicesResourceTransformer)?";
            case "mirror" -> "io.dr4j:dr-core provides mirror: locations; is dr-core's META-INF/services intact?";
            default -> "The scheme '" + scheme + "' is unknown: use file:, s3://, gs:// or mirror:<location>,<location>, or add a plugin that registers a "
                    + "io.dr4j.core.storage.spi.BackupTargetProvider for it.";
        };
    }
}
