package io.dr4j.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.codec.Codec;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.codec.EncodedResult;
import io.dr4j.core.codec.EncodingOutputStream;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.config.Secret;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The repository codec on one thread: encode (SHA-256 and size of the original, compression, optional Tink
 * streaming AEAD) and verifying decode, of {@value #SIZE} bytes per operation; plain SHA-256 for reference.
 * MB/s = ops/s x {@value #SIZE} / 2^20 (bench/jmh.sh converts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    public static final int SIZE = 16 << 20;

    @Param({"realistic", "pgbench"})
    public String data;

    @Param({"zstd-1", "zstd-3", "lz4", "gzip-6", "none"})
    public String codec;

    @Param({"false", "true"})
    public boolean encrypted;

    private byte[] input;
    private Codec encoder;
    private String key;
    private byte[] encoded;
    private EncodedResult encodedResult;
    private final byte[] buf = new byte[256 * 1024];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        input = BenchData.generate(data, SIZE);
        encoder = new Codec(spec(codec), encrypted ? EnvelopeEncryption.with(benchKey()) : null);
        key = encoder.format().keyFor("backups/bench/data/base/1/16384");
        ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE);
        try (EncodingOutputStream enc = encoder.encoder(out, key)) {
            enc.write(input);
            enc.close();
            encodedResult = enc.result();
        }
        encoded = out.toByteArray();
    }

    static CodecSpec spec(String name) {
        return switch (name) {
            case "zstd-1" -> CodecSpec.zstd(1);
            case "zstd-3" -> CodecSpec.zstd(3);
            case "lz4" -> CodecSpec.of(Compression.LZ4);
            case "gzip-6" -> new CodecSpec(Compression.GZIP, 6, 0);
            case "none" -> CodecSpec.of(Compression.NONE);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static KeyProvider benchKey() {
        byte[] k = new byte[32];
        new java.util.Random(1).nextBytes(k);
        return KeyProvider.of(Secret.of(Base64.getEncoder().encodeToString(k)), "benchmark key");
    }

    /** Encode 16 MiB as a backup writes it: SHA-256 + compression (+ encryption) into a discarding sink. */
    @Benchmark
    public long encode() throws IOException {
        try (EncodingOutputStream enc = encoder.encoder(OutputStream.nullOutputStream(), key)) {
            for (int off = 0; off < input.length; off += buf.length) {
                enc.write(input, off, Math.min(buf.length, input.length - off));
            }
            enc.close();
            return enc.result().storedSize();
        }
    }

    /**
     * Decode 16 MiB as {@code verify --read-data} (and a restore with {@code checksum=sha256}) reads it: (decryption,)
     * decompression, SHA-256 and size verified at the end. A default restore checks a CRC-32C instead, which costs
     * almost nothing beside the decompression.
     */
    @Benchmark
    public long decode() throws IOException {
        long n = 0;
        try (InputStream in = encoder.verifyingDecoder(new ByteArrayInputStream(encoded), key, encodedResult.sha256(),
                encodedResult.size())) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
        }
        return n;
    }

    /** The compression ratio of this combination (reported once per fork by bench/jmh.sh from the setup). */
    public double ratio() {
        return (double) input.length / encoded.length;
    }

    /** SHA-256 alone (the JDK's, as the codec uses), for reference; the same for every codec parameter. */
    @State(Scope.Thread)
    public static class Sha {
        @Param({"realistic", "pgbench"})
        public String data;
        byte[] input;

        @Setup(Level.Trial)
        public void setUp() {
            input = BenchData.generate(data, SIZE);
        }
    }

    @Benchmark
    @Fork(1)
    public byte[] sha256(Sha s) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(s.input);
    }
}
