package io.dr4j.core.storage;

/** What a {@link BackupTarget} supports. */
public enum Capability {
    /** A create-only write is refused atomically when the key exists (no check-then-write race). */
    CONDITIONAL_CREATE,
    /** Reads of a byte range without transferring the rest of the object. */
    RANGED_READ,
    /** Objects can be locked against deletion and overwrite until a date (S3 Object Lock, GCS retention). */
    IMMUTABILITY,
    /** The store encrypts at rest with keys it manages (SSE-S3, SSE-KMS, CMEK). */
    SERVER_SIDE_ENCRYPTION,
    /** A listing sees every object whose commit has returned (read-after-write for lists). */
    CONSISTENT_LISTING
}
