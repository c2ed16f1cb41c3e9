package io.dr4j.core.codec;

/**
 * How an object is encoded. Every repository object's key ends with its format's {@link #extension()}, so an
 * object is self-describing: {@code 16384.zst} is a zstd frame, {@code 16384.zst.enc} is the same, encrypted.
 *
 * @param compression the compression algorithm
 * @param encrypted   whether the compressed bytes are encrypted with the repository key
 */
public record ObjectFormat(Compression compression, boolean encrypted) {
    public static final String ENCRYPTED_EXTENSION = ".enc";

    /** The extension to append to a key, e.g. {@code ".zst"} or {@code ".zst.enc"}. */
    public String extension() {
        return compression.extension() + (encrypted ? ENCRYPTED_EXTENSION : "");
    }

    /** The key with this format's extension appended. */
    public String keyFor(String baseKey) {
        return baseKey + extension();
    }

    /** The format of a stored object, from its key's extension. */
    public static ObjectFormat fromKey(String key) {
        return new ObjectFormat(Compression.fromKey(key), key.endsWith(ENCRYPTED_EXTENSION));
    }

    /** The key without the format's extension. */
    public static String baseKey(String key) {
        return key.substring(0, key.length() - fromKey(key).extension().length());
    }
}
