package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;

import io.dr4j.tck.fixtures.RandomPayloads;

import org.junit.jupiter.api.Test;

class RandomPayloadsTest {

    @Test
    void theSameSeedAndSizeGiveTheSameBytesWhateverTheReadSizes() throws IOException {
        byte[] bulk = RandomPayloads.bytes(9, 100_001);
        SplittableRandom chunks = new SplittableRandom(1);
        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        try (InputStream in = RandomPayloads.stream(9, 100_001)) {
            byte[] buf = new byte[64];
            while (true) {
                if (chunks.nextInt(4) == 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    mixed.write(b);
                } else {
                    int n = in.read(buf, 0, 1 + chunks.nextInt(buf.length));
                    if (n < 0) {
                        break;
                    }
                    mixed.write(buf, 0, n);
                }
            }
        }
        assertThat(mixed.toByteArray()).isEqualTo(bulk);
        assertThat(RandomPayloads.sha256(9, 100_001)).isEqualTo(RandomPayloads.sha256(RandomPayloads.stream(9, 100_001)));
    }

    @Test
    void seedsAndSizesDiffer() throws IOException {
        assertThat(RandomPayloads.bytes(1, 1000)).isNotEqualTo(RandomPayloads.bytes(2, 1000));
        assertThat(RandomPayloads.bytes(1, 10)).isEqualTo(java.util.Arrays.copyOf(RandomPayloads.bytes(1, 1000), 10));
        assertThat(RandomPayloads.bytes(1, 0)).isEmpty();
        assertThat(RandomPayloads.writeTo(java.io.OutputStream.nullOutputStream(), 5, 12345)).isEqualTo(RandomPayloads.sha256(5, 12345));
    }
}
