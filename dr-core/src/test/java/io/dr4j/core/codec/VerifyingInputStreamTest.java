package io.dr4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import io.dr4j.core.Payloads;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large objects are hashed on a second thread ({@link PipelinedDigest}): the verdict must be the same as with the
 * hashing in the reading thread, and the hashing thread must not outlive the stream, whichever way it ends.
 */
class VerifyingInputStreamTest {
    private static final int LARGE = (int) VerifyingInputStream.PIPELINED_FROM + 3 * PipelinedDigest.CHUNK / 2 + 123;
    private static byte[] data;
    private static String sha;

    @BeforeAll
    static void payload() throws Exception {
        data = Payloads.bytes(42, LARGE);
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void aLargeObjectIsHashedOnItsOwnThreadAndVerifies() throws IOException {
        byte[] read;
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), "big", sha, data.length)) {
            assertThat(hashingThreads()).as("a hashing thread for the large object").isEqualTo(1);
            read = readInOddSlices(in);
        }
        assertThat(read).isEqualTo(data);
        awaitNoHashingThread();
    }

    @Test
    void oneChangedByteOfALargeObjectIsAChecksumMismatch() {
        byte[] tampered = data.clone();
        tampered[tampered.length - 7] ^= 1;
        assertThatThrownBy(() -> {
            try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(tampered), "big", sha,
                    data.length)) {
                readInOddSlices(in);
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining("Checksum mismatch in big")
                .hasMessageContaining(sha);
        awaitNoHashingThread();
    }

    @Test
    void aTruncatedOrLongerLargeObjectFailsAndStopsTheHashing() {
        byte[] shorter = Arrays.copyOf(data, data.length - 1);
        assertThatThrownBy(() -> {
            try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(shorter), "big", sha, data.length)) {
                readInOddSlices(in);
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining("wrong size");
        assertThatThrownBy(() -> {
            try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), "big", sha,
                    data.length - 1)) {
                readInOddSlices(in);
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining("longer than recorded");
        awaitNoHashingThread();
    }

    @Test
    void closingBeforeTheEndStopsTheHashingThread() throws IOException {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), "big", sha, data.length)) {
            assertThat(in.readNBytes(5 * PipelinedDigest.CHUNK + 17)).hasSize(5 * PipelinedDigest.CHUNK + 17);
        }
        awaitNoHashingThread();
    }

    @Test
    void smallObjectsAreHashedInTheReadingThread() throws IOException {
        byte[] small = Arrays.copyOf(data, 3 << 20);
        String smallSha;
        try {
            smallSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(small), "small", smallSha,
                small.length)) {
            assertThat(hashingThreads()).isZero();
            assertThat(readInOddSlices(in)).isEqualTo(small);
        }
    }

    /** Reads in slices that never line up with the hashing chunks. */
    private static byte[] readInOddSlices(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(LARGE);
        byte[] buf = new byte[256 * 1024 + 13];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static long hashingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("dr4j-verify") && t.isAlive()).count();
    }

    private static void awaitNoHashingThread() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (hashingThreads() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(hashingThreads()).as("hashing threads left running").isZero();
    }
}
