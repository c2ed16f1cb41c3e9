package io.dr4j.postgres.backup;

/**
 * The straightforward transcription of PostgreSQL's {@code pg_checksum_block} (one word at a time, assembled from
 * bytes), kept as the reference {@link PageChecksum} is tested and benchmarked against.
 */
public final class PageChecksumReference {
    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    private static final int[] BASE = {
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756};

    private PageChecksumReference() {
    }

    public static int compute(byte[] buf, int off, long blkno) {
        int[] sums = BASE.clone();
        int words = PageChecksum.BLOCK_SIZE / 4;
        for (int w = 0; w < words; w++) {
            int p = off + w * 4;
            int value = (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8 | (buf[p + 2] & 0xFF) << 16 | (buf[p + 3] & 0xFF) << 24;
            if (w == 2) {
                value &= 0xFFFF0000;
            }
            int j = w & (N_SUMS - 1);
            int tmp = sums[j] ^ value;
            sums[j] = tmp * FNV_PRIME ^ (tmp >>> 17);
        }
        int result = 0;
        for (int j = 0; j < N_SUMS; j++) {
            for (int r = 0; r < 2; r++) {
                int tmp = sums[j];
                sums[j] = tmp * FNV_PRIME ^ (tmp >>> 17);
            }
            result ^= sums[j];
        }
        result ^= (int) blkno;
        return Integer.remainderUnsigned(result, 65535) + 1;
    }
}
