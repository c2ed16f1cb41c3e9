package io.dr4j.storage.s3;

import java.net.URI;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.storage.ObjectKeys;

/**
 * A parsed {@code s3://bucket/prefix} location.
 *
 * @param bucket the bucket name (3–63 characters: lower-case letters, digits, dots, hyphens)
 * @param prefix the key prefix inside the bucket, empty or ending with {@code /}
 */
public record S3Location(String bucket, String prefix) {

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        String problem = bucketProblem(bucket);
        if (problem != null) {
            throw new ConfigurationException("Invalid S3 bucket name '" + bucket + "': " + problem
                    + ". Use s3://<bucket>/<prefix> with a bucket name of 3-63 lower-case letters, digits, dots and hyphens");
        }
        if (!prefix.isEmpty()) {
            if (!prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            ObjectKeys.validatePrefix(prefix);
        }
    }

    /** Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix}. */
    public static S3Location parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("s3")) {
            throw new ConfigurationException("Not an S3 location: '" + redacted(uri) + "'. Use s3://<bucket>/<prefix>");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("S3 location s3://" + uri.getHost() + uri.getPath()
                    + " contains credentials; never put them in the URI. Set dr.storage.s3.access-key-id and "
                    + "dr.storage.s3.secret-access-key, or use the AWS default credential chain");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new ConfigurationException("S3 location '" + redacted(uri) + "' has a query or fragment; "
                    + "use s3://<bucket>/<prefix> and the dr.storage.s3.* settings for options");
        }
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new ConfigurationException("S3 location '" + redacted(uri) + "' names no bucket. Use s3://<bucket>/<prefix>"
                    + " (two slashes after 's3:')");
        }
        if (uri.getPort() != -1) {
            throw new ConfigurationException("S3 location '" + redacted(uri) + "' has a port; the endpoint is set with "
                    + "dr.storage.s3.endpoint, the URI only names s3://<bucket>/<prefix>");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return new S3Location(bucket, path);
    }

    /** The object key in the bucket for a target-relative key. */
    public String objectKey(String key) {
        return prefix + key;
    }

    /** The target-relative key for an object key of the bucket. */
    public String relative(String objectKey) {
        return objectKey.substring(prefix.length());
    }

    public URI toUri() {
        return URI.create("s3://" + bucket + "/" + prefix);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }

    private static String redacted(URI uri) {
        return io.dr4j.core.storage.BackupTargets.redact(uri);
    }

    private static @org.jspecify.annotations.Nullable String bucketProblem(String b) {
        if (b.length() < 3 || b.length() > 63) {
            return "it must be 3 to 63 characters long";
        }
        for (char c : b.toCharArray()) {
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return "it contains '" + c + "'";
            }
        }
        if (!Character.isLetterOrDigit(b.charAt(0)) || !Character.isLetterOrDigit(b.charAt(b.length() - 1))) {
            return "it must start and end with a letter or digit";
        }
        return null;
    }
}
