package io.dr4j.storage.gcs;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;

import io.dr4j.core.storage.AccessDeniedException;
import io.dr4j.core.storage.StorageException;

/** Turns client exceptions into dr4j exceptions naming the bucket, the cause and the fix. */
final class GcsErrors {
    private GcsErrors() {
    }

    /** A failed {@code doesNotExist} precondition (412, or the in-memory fake's FileAlreadyExistsException). */
    static boolean isPreconditionFailed(com.google.cloud.storage.StorageException e) {
        return e.getCode() == 412 || causedBy(e, FileAlreadyExistsException.class);
    }

    static boolean isNotFound(com.google.cloud.storage.StorageException e) {
        return e.getCode() == 404;
    }

    static StorageException translate(String action, String key, GcsSettings s, String permission,
                                      RuntimeException e) {
        GcsLocation loc = s.location();
        String where = loc + key;
        if (e instanceof com.google.cloud.storage.StorageException se) {
            int code = se.getCode();
            String msg = String.valueOf(se.getMessage());
            if (code == 404 && (key.isEmpty() || msg.toLowerCase(java.util.Locale.ROOT).contains("bucket"))) {
                return new StorageException("GCS bucket '" + loc.bucket() + "' does not exist at " + s.endpointDescription()
                        + " (while trying to " + action + " " + where + "). Create the bucket or fix the location", e);
            }
            if (code == 401) {
                return new AccessDeniedException("Not authenticated to " + action + " " + where + ": the credentials are "
                        + "missing, invalid or expired. Set dr.storage.gcs.credentials-file or configure Application "
                        + "Default Credentials (gcloud auth application-default login, or a service account)", e);
            }
            if (code == 403) {
                return new AccessDeniedException("Access denied to " + action + " " + where + ": the principal lacks "
                        + permission + " (" + msg + "). Grant it on gs://" + loc.bucket()
                        + " (e.g. roles/storage.objectAdmin) or use other credentials", e);
            }
            if (code == 400 && msg.contains("etention")) {
                return new StorageException("GCS bucket '" + loc.bucket() + "' refused object retention for " + where
                        + " (" + msg + "). Nothing was written. Enable object retention on the bucket "
                        + "(gcloud storage buckets create --enable-per-object-retention) or unset "
                        + "dr.storage.gcs.retention-mode and WriteOptions.retainUntil", e);
            }
            Throwable root = root(e);
            if (root instanceof UnknownHostException || root instanceof ConnectException
                    || root instanceof SocketTimeoutException || root instanceof javax.net.ssl.SSLException) {
                return new StorageException("Cannot reach " + s.endpointDescription() + " to " + action + " " + where
                        + ": " + root + ". Check dr.storage.gcs.endpoint and the network", e);
            }
            return new StorageException("Could not " + action + " " + where + " at " + s.endpointDescription() + ": "
                    + code + " " + msg, e);
        }
        return new StorageException("Could not " + action + " " + where + ": " + e, e);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
