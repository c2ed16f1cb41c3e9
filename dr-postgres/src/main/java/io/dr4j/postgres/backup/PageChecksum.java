package io.dr4j.postgres.backup;

/**
 * PostgreSQL's data page checksum ({@code pg_checksum_page} of {@code storage/checksum_impl.h}): an FNV-1a
 * variant over 32 parallel lanes of 32-bit little-endian words, two zero rounds, xor-folded, mixed with the block
 * number and reduced to 16 bits (never 0). Pages are {@value #BLOCK_SIZE} bytes.
 */
public final class PageChecksum {
    public static final int BLOCK_SIZE = 8192;
    /** Blocks per 1 GiB relation segment file ({@code RELSEG_SIZE}). */
    public static final int BLOCKS_PER_SEGMENT = 131072;
    private static final int N_SUMS = 32;
    private static final int FNV_PRIME = 16777619;
    private static final int[] BASE = {
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756};

    private PageChecksum() {
    }

    /** The checksum of the page at {@code off} in {@code buf} as block {@code blkno}. */
    public static int compute(byte[] buf, int off, long blkno) {
        int[] sums = BASE.clone();
        int words = BLOCK_SIZE / 4;
        for (int w = 0; w < words; w++) {
            int p = off + w * 4;
            int value = (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8 | (buf[p + 2] & 0xFF) << 16 | (buf[p + 3] & 0xFF) << 24;
            if (w == 2) {
                value &= 0xFFFF0000; // pd_checksum (bytes 8-9) counts as zero
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

    /** The checksum stored in the page header ({@code pd_checksum}). */
    public static int stored(byte[] buf, int off) {
        return (buf[off + 8] & 0xFF) | (buf[off + 9] & 0xFF) << 8;
    }

    /** The page LSN ({@code pd_lsn}). */
    public static long pageLsn(byte[] buf, int off) {
        long hi = (buf[off] & 0xFFL) | (buf[off + 1] & 0xFFL) << 8 | (buf[off + 2] & 0xFFL) << 16 | (buf[off + 3] & 0xFFL) << 24;
        long lo = (buf[off + 4] & 0xFFL) | (buf[off + 5] & 0xFFL) << 8 | (buf[off + 6] & 0xFFL) << 16 | (buf[off + 7] & 0xFFL) << 24;
        return hi << 32 | lo;
    }

    /** A new page ({@code pd_upper == 0}) has no checksum yet. */
    public static boolean isNew(byte[] buf, int off) {
        return buf[off + 14] == 0 && buf[off + 15] == 0;
    }

    /**
     * Whether the page verifies: new pages and pages changed after the backup started ({@code pd_lsn >= startLsn},
     * their WAL repairs them) are skipped, like pg_basebackup does.
     */
    public static boolean verifies(byte[] buf, int off, long blkno, long startLsn) {
        if (isNew(buf, off) || Long.compareUnsigned(pageLsn(buf, off), startLsn) >= 0) {
            return true;
        }
        return compute(buf, off, blkno) == stored(buf, off);
    }
}
