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
 * Restores check a CRC-32C when the manifest has one; otherwise large objects are hashed on a second thread ({@link PipelinedDigest}): the verdict must be the same as with the
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

    @Test
    void withACrc32cTheCrcIsCheckedInsteadOfTheSha256AndNoHashingThreadRuns() throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        String expectedCrc = EncodingOutputStream.crc32cHex(crc);
        assertThat(expectedCrc).matches("[0-9a-f]{8}");
        // the SHA-256 given is wrong: only the CRC-32C counts, and the large object gets no hashing thread
        String wrongSha = "00".repeat(32);
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), "big", wrongSha, expectedCrc,
                data.length)) {
            assertThat(hashingThreads()).isZero();
            assertThat(readInOddSlices(in)).isEqualTo(data);
        }
        byte[] tampered = data.clone();
        tampered[12345] ^= 0x40;
        assertThatThrownBy(() -> {
            try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(tampered), "big", sha, expectedCrc,
                    data.length)) {
                readInOddSlices(in);
            }
        }).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("Checksum mismatch in big: expected CRC-32C " + expectedCrc);
        // the size is still checked in this mode
        assertThatThrownBy(() -> {
            try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(data, 0, data.length - 1), "big",
                    sha, expectedCrc, data.length)) {
                readInOddSlices(in);
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining("wrong size");
    }

    @Test
    void theEncoderRecordsTheCrc32cOfTheOriginalBytes() throws IOException {
        Codec codec = Codec.of(CodecSpec.DEFAULT);
        java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
        byte[] small = Arrays.copyOf(data, 1 << 20);
        EncodingOutputStream enc = codec.encoder(stored, "x.zst");
        enc.write(small, 0, 1000);
        enc.write(small, 1000, small.length - 1000);
        enc.close();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(small);
        assertThat(enc.result().crc32c()).isEqualTo(String.format("%08x", crc.getValue()));
        try (InputStream in = codec.verifyingDecoder(new ByteArrayInputStream(stored.toByteArray()), "x.zst", null,
                enc.result().crc32c(), small.length)) {
            assertThat(in.readAllBytes()).isEqualTo(small);
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
