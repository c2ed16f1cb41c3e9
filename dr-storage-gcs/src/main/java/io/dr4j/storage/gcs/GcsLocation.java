package io.dr4j.storage.gcs;

import java.net.URI;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.ObjectKeys;

/**
 * A parsed {@code gs://bucket/prefix} location.
 *
 * @param bucket the bucket name
 * @param prefix the object name prefix, empty or ending with {@code /}
 */
public record GcsLocation(String bucket, String prefix) {

    public GcsLocation {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]")) {
            throw new ConfigurationException("Invalid GCS bucket name '" + bucket + "': use 3-222 lower-case letters, "
                    + "digits, dots, hyphens and underscores, starting and ending with a letter or digit "
                    + "(gs://<bucket>/<prefix>)");
        }
        if (!prefix.isEmpty()) {
            if (!prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            ObjectKeys.validatePrefix(prefix);
        }
    }

    /** Parses {@code gs://bucket} or {@code gs://bucket/prefix} ({@code gcs://} is accepted as well). */
    public static GcsLocation parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("gs") && !scheme.equals("gcs")) {
            throw new ConfigurationException("Not a GCS location: '" + BackupTargets.redact(uri) + "'. Use gs://<bucket>/<prefix>");
        }
        if (uri.getRawUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null || uri.getPort() != -1) {
            throw new ConfigurationException("GCS location '" + BackupTargets.redact(uri) + "' may only name "
                    + "gs://<bucket>/<prefix>; credentials and options go in the dr.storage.gcs.* settings");
        }
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new ConfigurationException("GCS location '" + BackupTargets.redact(uri)
                    + "' names no bucket. Use gs://<bucket>/<prefix> (two slashes after 'gs:')");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return new GcsLocation(bucket, path);
    }

    public String objectName(String key) {
        return prefix + key;
    }

    public String relative(String objectName) {
        return objectName.substring(prefix.length());
    }

    public URI toUri() {
        return URI.create(toString());
    }

    @Override
    public String toString() {
        return "gs://" + bucket + "/" + prefix;
    }
}
