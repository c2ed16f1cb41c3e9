package io.dr4j.storage.s3;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

import io.dr4j.core.storage.AccessDeniedException;
import io.dr4j.core.storage.InsufficientStorageException;
import io.dr4j.core.storage.StorageException;

import org.jspecify.annotations.Nullable;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK exceptions into dr4j exceptions whose messages name the bucket, the cause and the fix. */
final class S3Errors {
    private S3Errors() {
    }

    static int status(SdkException e) {
        return e instanceof S3Exception s3 ? s3.statusCode() : -1;
    }

    static String code(SdkException e) {
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null) {
            return s3.awsErrorDetails().errorCode();
        }
        return "";
    }

    static boolean isNotFound(SdkException e) {
        return status(e) == 404 && !code(e).equals("NoSuchBucket");
    }

    static boolean isPreconditionFailed(SdkException e) {
        return status(e) == 412 || code(e).equals("PreconditionFailed");
    }

    /** The store does not implement a header we sent (e.g. If-None-Match on PUT). */
    static boolean isNotImplemented(SdkException e) {
        return status(e) == 501 || code(e).equals("NotImplemented");
    }

    /**
     * Translates a failure of {@code action} (e.g. "write", "read") on {@code what} (a key or the bucket).
     *
     * @param permission the IAM permission the action needs, named in access-denied messages
     */
    static StorageException translate(String action, String what, S3Location location, String endpointDescription,
                                      String permission, SdkException e) {
        String where = "s3://" + location.bucket() + "/" + location.prefix() + (what.isEmpty() ? "" : what);
        String code = code(e);
        int status = status(e);
        if (code.equals("NoSuchBucket") || (status == 404 && what.isEmpty())) {
            return new StorageException("S3 bucket '" + location.bucket() + "' does not exist at " + endpointDescription
                    + " (while trying to " + action + " " + where + "). Create the bucket, or fix the bucket name in the "
                    + "location, dr.storage.s3.endpoint or dr.storage.s3.region", e);
        }
        if (status == 403 || code.equals("AccessDenied") || code.equals("InvalidAccessKeyId")
                || code.equals("SignatureDoesNotMatch") || code.equals("AllAccessDisabled")) {
            String why = switch (code) {
                case "InvalidAccessKeyId" -> "the access key id is not known to " + endpointDescription;
                case "SignatureDoesNotMatch" -> "the secret access key does not match the access key id";
                default -> "the credentials lack the permission " + permission;
            };
            return new AccessDeniedException("Access denied to " + action + " " + where + ": " + why + " (" + code
                    + "). Grant " + permission + " on arn:aws:s3:::" + location.bucket()
                    + (what.isEmpty() ? "" : "/" + location.prefix() + "*") + " or use other credentials", e);
        }
        if (status == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")
                || code.equals("IllegalLocationConstraintException")) {
            String actual = bucketRegion(e);
            return new StorageException("S3 bucket '" + location.bucket() + "' is not in the region the client uses ("
                    + endpointDescription + ")" + (actual == null ? "" : "; it is in " + actual)
                    + ". Set dr.storage.s3.region" + (actual == null ? "" : "=" + actual)
                    + " (or the endpoint of the bucket's region)", e);
        }
        if (code.equals("InvalidRequest") && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("object lock")) {
            return new StorageException("S3 bucket '" + location.bucket() + "' has no Object Lock configuration, but "
                    + "object lock was requested for " + where + ". Nothing was written. Create the bucket with Object Lock "
                    + "enabled, or unset dr.storage.s3.object-lock.mode and WriteOptions.retainUntil", e);
        }
        if (code.equals("QuotaExceeded") || code.equals("XMinioStorageFull") || status == 507) {
            return new InsufficientStorageException("The store has no space left for " + where + " (" + code
                    + "); nothing was stored. Free space or raise the quota", e);
        }
        if (e instanceof SdkClientException) {
            Throwable root = rootCause(e);
            if (root instanceof UnknownHostException || root instanceof ConnectException
                    || root instanceof javax.net.ssl.SSLException || root instanceof SocketTimeoutException) {
                return new StorageException("Cannot reach the S3 endpoint " + endpointDescription + " to " + action + " "
                        + where + ": " + root + ". Check dr.storage.s3.endpoint, dr.storage.s3.region and the network", e);
            }
        }
        return new StorageException("Could not " + action + " " + where + " at " + endpointDescription + ": "
                + describe(e), e);
    }

    static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            return s3.statusCode() + " " + code(e) + " " + (s3.awsErrorDetails() == null ? ""
                    : String.valueOf(s3.awsErrorDetails().errorMessage()));
        }
        return String.valueOf(e.getMessage());
    }

    private static @Nullable String bucketRegion(SdkException e) {
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null && s3.awsErrorDetails().sdkHttpResponse() != null) {
            return s3.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
        }
        return null;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
