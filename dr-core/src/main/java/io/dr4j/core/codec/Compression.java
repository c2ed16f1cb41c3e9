package io.dr4j.core.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.dr4j.core.ConfigurationException;

/**
 * Compression algorithms. Every one writes standard frames that the usual command line tools read:
 * {@code zstd -d}, {@code gzip -d}, {@code lz4 -d}.
 */
public enum Compression {
    /** zstd (default): best ratio for the speed; multi-threaded with workers. */
    ZSTD("zstd", ".zst", 3, 1, 19),
    /** gzip: universally readable. */
    GZIP("gzip", ".gz", 6, 1, 9),
    /** lz4 frame: the fastest, lower ratio. */
    LZ4("lz4", ".lz4", 0, 0, 0),
    /** No compression. */
    NONE("none", "", 0, 0, 0);

    private final String id;
    private final String extension;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(String id, String extension, int defaultLevel, int minLevel, int maxLevel) {
        this.id = id;
        this.extension = extension;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** The name used in configuration and manifests, e.g. {@code "zstd"}. */
    public String id() {
        return id;
    }

    /** File extension of objects written with it, e.g. {@code ".zst"}; empty for none. */
    public String extension() {
        return extension;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public static Compression parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Compression c : values()) {
            if (c.id.equals(n) || (c == ZSTD && n.equals("zst")) || (c == GZIP && n.equals("gz"))) {
                return c;
            }
        }
        throw new ConfigurationException("Unknown compression '" + name + "'. Use one of: "
                + Arrays.stream(values()).map(Compression::id).collect(Collectors.joining(", ")));
    }

    /** The compression an object key's extension says, e.g. {@code x.zst} or {@code x.zst.enc} → ZSTD. */
    public static Compression fromKey(String key) {
        String k = key.endsWith(ObjectFormat.ENCRYPTED_EXTENSION)
                ? key.substring(0, key.length() - ObjectFormat.ENCRYPTED_EXTENSION.length()) : key;
        for (Compression c : values()) {
            if (c != NONE && k.endsWith(c.extension)) {
                return c;
            }
        }
        return NONE;
    }
}
