package io.dr4j.core;

import java.io.InputStream;
import java.util.SplittableRandom;

/** Deterministic pseudo-random test data generated on the fly (dr-tck has the published twin, RandomPayloads). */
public final class Payloads {
    private Payloads() {
    }

    public static InputStream stream(long seed, long size) {
        SplittableRandom r = new SplittableRandom(seed);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                if (left <= 0) {
                    return -1;
                }
                left--;
                return r.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return len == 0 ? 0 : -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) r.nextInt(256);
                }
                left -= n;
                return n;
            }
        };
    }

    /** Compressible text-like data: words from a small vocabulary. */
    public static byte[] text(long seed, int size) {
        String[] words = {"backup ", "restore ", "wal ", "segment ", "timeline ", "postgres ", "recovery\n", "0123 "};
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(size + 16);
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]);
        }
        return sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static byte[] bytes(long seed, int size) {
        try (InputStream in = stream(seed, size)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
