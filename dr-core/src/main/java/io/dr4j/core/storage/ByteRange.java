package io.dr4j.core.storage;

/**
 * A range of bytes of an object: {@code length} bytes from {@code offset}; {@code length == -1} means to the end.
 * A range past the end of the object returns the bytes that exist (possibly none).
 */
public record ByteRange(long offset, long length) {
    /** The whole object. */
    public static final ByteRange ALL = new ByteRange(0, -1);

    public ByteRange {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        if (length < -1) {
            throw new IllegalArgumentException("length must be >= 0 or -1 (to the end), was " + length);
        }
    }

    public static ByteRange of(long offset, long length) {
        return new ByteRange(offset, length);
    }

    public static ByteRange from(long offset) {
        return new ByteRange(offset, -1);
    }

    public boolean isAll() {
        return offset == 0 && length == -1;
    }

    /** The last byte included, or -1 when open-ended (HTTP {@code Range: bytes=offset-end}). */
    public long lastInclusive() {
        return length == -1 ? -1 : offset + length - 1;
    }
}
