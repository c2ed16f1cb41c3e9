package io.dr4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

import io.dr4j.core.Payloads;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodecTest {
    static final KeyProvider KEY = KeyProvider.of(KeyProvider.generate(), "test key");

    static Stream<Arguments> formats() {
        return Stream.of(Compression.values()).flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    private static Codec codec(Compression c, boolean encrypted) {
        return new Codec(CodecSpec.of(c), encrypted ? EnvelopeEncryption.with(KEY) : null);
    }

    static byte[] encode(Codec codec, String key, byte[] data, EncodedResult[] result) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        EncodingOutputStream enc = codec.encoder(stored, key);
        // uneven chunks exercise the buffering of every layer
        int off = 0;
        int chunk = 1;
        while (off < data.length) {
            int n = Math.min(chunk, data.length - off);
            enc.write(data, off, n);
            off += n;
            chunk = chunk * 3 + 1;
        }
        enc.close();
        result[0] = enc.result();
        return stored.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest(name = "{0}, encrypted={1}")
    @MethodSource("formats")
    void roundTripsEmptySmallAndMultiSegmentObjects(Compression c, boolean encrypted) throws Exception {
        Codec codec = codec(c, encrypted);
        for (byte[] data : new byte[][] {new byte[0], Payloads.text(1, 1000), Payloads.bytes(2, 3 * 1024 * 1024 + 17)}) {
            String key = codec.format().keyFor("obj");
            EncodedResult[] r = new EncodedResult[1];
            byte[] stored = encode(codec, key, data, r);
            assertThat(r[0].size()).isEqualTo(data.length);
            assertThat(r[0].storedSize()).isEqualTo(stored.length);
            assertThat(r[0].sha256()).isEqualTo(sha256(data));
            try (InputStream in = codec.verifyingDecoder(new ByteArrayInputStream(stored), key, r[0].sha256(),
                    data.length)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }

    @ParameterizedTest(name = "{0}, encrypted={1}")
    @MethodSource("formats")
    void keysCarryTheFormatExtension(Compression c, boolean encrypted) {
        ObjectFormat f = codec(c, encrypted).format();
        assertThat(ObjectFormat.fromKey(f.keyFor("backups/x/data/16384"))).isEqualTo(f);
        assertThat(f.keyFor("a")).endsWith(encrypted ? ".enc" : c.extension());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.dr4j.core.codec.CodecTest#compressions")
    void compressibleDataShrinks(Compression c) throws Exception {
        byte[] data = Payloads.text(3, 1 << 20);
        EncodedResult[] r = new EncodedResult[1];
        byte[] stored = encode(codec(c, false), "obj" + c.extension(), data, r);
        if (c == Compression.NONE) {
            assertThat(stored).isEqualTo(data);
        } else {
            assertThat(stored.length).isLessThan(data.length / 2);
        }
    }

    static Stream<Compression> compressions() {
        return Stream.of(Compression.values());
    }

    @ParameterizedTest(name = "{0}, encrypted={1}")
    @MethodSource("formats")
    void checksumMismatchNamesObjectExpectedAndActual(Compression c, boolean encrypted) throws Exception {
        Codec codec = codec(c, encrypted);
        String key = codec.format().keyFor("backups/b1/data/base/1/1259");
        byte[] data = Payloads.text(4, 5000);
        EncodedResult[] r = new EncodedResult[1];
        byte[] stored = encode(codec, key, data, r);
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> {
            try (InputStream in = codec.verifyingDecoder(new ByteArrayInputStream(stored), key, wrong, data.length)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IntegrityException.class)
                .hasMessageContaining(key).hasMessageContaining(wrong).hasMessageContaining(r[0].sha256())
                .satisfies(e -> assertThat(((IntegrityException) e).object()).isEqualTo(key));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void tamperedCiphertextIsAnIntegrityErrorNamingTheObject(Compression c) throws Exception {
        Codec codec = codec(c, true);
        String key = codec.format().keyFor("wal/00000001/000000010000000000000003");
        byte[] data = Payloads.bytes(5, 2 * 1024 * 1024 + 5);
        EncodedResult[] r = new EncodedResult[1];
        byte[] stored = encode(codec, key, data, r);
        for (int pos : new int[] {40, stored.length / 2, stored.length - 3}) {
            byte[] tampered = stored.clone();
            tampered[pos] ^= 0x10;
            assertThatThrownBy(() -> {
                try (InputStream in = codec.decoder(new ByteArrayInputStream(tampered), key)) {
                    in.readAllBytes();
                }
            }).as("flipped bit at %d", pos).isInstanceOf(IntegrityException.class).hasMessageContaining(key);
        }
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 100);
        assertThatThrownBy(() -> {
            try (InputStream in = codec.verifyingDecoder(new ByteArrayInputStream(truncated), key, r[0].sha256(),
                    data.length)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining(key);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void anObjectMovedToAnotherKeyDoesNotDecrypt(Compression c) throws Exception {
        Codec codec = codec(c, true);
        String key = codec.format().keyFor("backups/b1/data/a");
        String other = codec.format().keyFor("backups/b1/data/b");
        EncodedResult[] r = new EncodedResult[1];
        byte[] stored = encode(codec, key, Payloads.text(6, 1000), r);
        assertThatThrownBy(() -> {
            try (InputStream in = codec.decoder(new ByteArrayInputStream(stored), other)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining(other);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void corruptUnencryptedFramesFailAsIntegrityErrors(Compression c) throws Exception {
        if (c == Compression.NONE) {
            return; // nothing to detect without a checksum: covered by checksumMismatch...
        }
        Codec codec = codec(c, false);
        String key = "obj" + c.extension();
        byte[] data = Payloads.text(7, 200_000);
        EncodedResult[] r = new EncodedResult[1];
        byte[] stored = encode(codec, key, data, r);
        byte[] corrupt = stored.clone();
        for (int i = stored.length / 3; i < stored.length / 3 + 64; i++) {
            corrupt[i] ^= (byte) 0xA5;
        }
        assertThatThrownBy(() -> {
            try (InputStream in = codec.verifyingDecoder(new ByteArrayInputStream(corrupt), key, r[0].sha256(),
                    data.length)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining(key);
    }
}
