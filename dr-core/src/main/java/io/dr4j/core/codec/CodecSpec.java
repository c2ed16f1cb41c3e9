package io.dr4j.core.codec;

import java.util.Objects;

import io.dr4j.core.ConfigurationException;

/**
 * Compression settings.
 *
 * @param compression algorithm
 * @param level       compression level (zstd 1–19, gzip 1–9; ignored by lz4 and none)
 * @param workers     zstd worker threads per stream (0 = single-threaded, in the caller's thread)
 */
public record CodecSpec(Compression compression, int level, int workers) {
    /** zstd level 3, single-threaded per stream (parallelism comes from streams in parallel). */
    public static final CodecSpec DEFAULT = new CodecSpec(Compression.ZSTD, 3, 0);

    public CodecSpec {
        Objects.requireNonNull(compression, "compression");
        if (compression.maxLevel() > 0 && (level < compression.minLevel() || level > compression.maxLevel())) {
            throw new ConfigurationException(compression.id() + " level must be between " + compression.minLevel()
                    + " and " + compression.maxLevel() + ", was " + level);
        }
        if (workers < 0 || workers > 256) {
            throw new ConfigurationException("compression workers must be between 0 and 256, was " + workers);
        }
    }

    public static CodecSpec of(Compression compression) {
        return new CodecSpec(compression, compression.defaultLevel(), 0);
    }

    public static CodecSpec zstd(int level) {
        return new CodecSpec(Compression.ZSTD, level, 0);
    }

    public CodecSpec withWorkers(int n) {
        return new CodecSpec(compression, level, n);
    }
}
