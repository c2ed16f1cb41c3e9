package io.dr4j.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PageChecksumTest {

    @Test
    void sameChecksumsAsTheWordByWordTranscription() {
        Random random = new Random(11);
        byte[] buf = new byte[3 * PageChecksum.BLOCK_SIZE + 5];
        for (int i = 0; i < 3000; i++) {
            random.nextBytes(buf);
            int off = random.nextInt(2 * PageChecksum.BLOCK_SIZE + 5); // any offset, not only page-aligned
            long blkno = i % 3 == 0 ? random.nextInt(1 << 20) : random.nextLong();
            assertThat(PageChecksum.compute(buf, off, blkno)).as("page %d at offset %d", i, off)
                    .isEqualTo(PageChecksumReference.compute(buf, off, blkno)).isBetween(1, 65535);
        }
        Arrays.fill(buf, (byte) 0xFF);
        assertThat(PageChecksum.compute(buf, 0, 0)).isEqualTo(PageChecksumReference.compute(buf, 0, 0));
        Arrays.fill(buf, (byte) 0);
        assertThat(PageChecksum.compute(buf, 0, 7)).isEqualTo(PageChecksumReference.compute(buf, 0, 7));
    }

    @Test
    void storedChecksumBytesDoNotCountButEveryOtherByteDoes() {
        byte[] page = new byte[PageChecksum.BLOCK_SIZE];
        new Random(3).nextBytes(page);
        int sum = PageChecksum.compute(page, 0, 42);
        page[8] ^= 0x5A; // pd_checksum itself
        page[9] ^= 0x11;
        assertThat(PageChecksum.compute(page, 0, 42)).isEqualTo(sum);
        for (int pos : new int[] {0, 7, 10, 11, 12, 4095, 8191}) {
            page[pos] ^= 1;
            assertThat(PageChecksum.compute(page, 0, 42)).as("byte %d flipped", pos).isNotEqualTo(sum);
            page[pos] ^= 1;
        }
    }
}
