package io.dr4j.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Deterministic test data shaped like PostgreSQL heap pages (8 KiB pages of 24-byte tuple headers and rows).
 * <ul>
 *   <li>{@code pgbench}: pgbench_accounts rows (increasing aid, bid, abalance 0, an 84-byte blank filler): compresses
 *   some 20x or more, like the real table.</li>
 *   <li>{@code realistic}: pages of rows of random numbers, md5 hex text and timestamps, and primary-key index pages
 *   (bench/lib/realistic-db.sh's tables): compresses about 2.5x, like that database's files.</li>
 * </ul>
 */
public final class BenchData {
    private static final int PAGE = 8192;

    private BenchData() {
    }

    public static byte[] generate(String kind, int size) {
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        Random rnd = new Random(42);
        long row = 0;
        byte[] page = new byte[PAGE];
        while (out.hasRemaining()) {
            ByteBuffer p = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
            java.util.Arrays.fill(page, (byte) 0);
            p.position(24); // page header
            while (true) {
                byte[] tuple = switch (kind) {
                    case "pgbench" -> pgbenchRow(row);
                    case "realistic" -> switch ((int) (out.position() / PAGE % 3)) {
                        case 0 -> realisticRow(row, rnd);
                        case 1 -> eventRow(row, rnd);
                        default -> indexItem(row); // a primary key's btree leaf page
                    };
                    default -> throw new IllegalArgumentException("data kind pgbench or realistic, not " + kind);
                };
                if (p.remaining() < tuple.length + 24) {
                    break;
                }
                p.putLong(0x0000_0001_0000_02A0L + row).putLong(row).putLong(0x0018_0004_0002L); // tuple header
                p.put(tuple);
                row++;
            }
            out.put(page, 0, Math.min(PAGE, out.remaining()));
        }
        return out.array();
    }

    private static byte[] pgbenchRow(long aid) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 4 + 85).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) aid + 1).putInt((int) (aid / 100_000) + 1).putInt(0).put((byte) 0xAB);
        while (b.hasRemaining()) {
            b.put((byte) ' ');
        }
        return b.array();
    }

    private static byte[] indexItem(long id) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(id).array();
    }

    private static final String[] KINDS = {"page_view", "click", "purchase", "login", "logout", "search",
        "add_to_cart", "refund"};

    private static byte[] eventRow(long id, Random rnd) {
        byte[] kind = KINDS[(int) (id % KINDS.length)].getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 8 + 1 + kind.length + 1 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(id);                                           // id
        b.putLong(1_704_067_200_000_000L + id * 10_000L);        // at: every 10 ms
        b.putInt(rnd.nextInt(50));                               // kind
        b.putDouble(rnd.nextInt(100_000_000) / 100.0);           // value
        b.put((byte) (1 + kind.length + 1 + 32 << 1 | 1));       // varlena header
        b.put(kind).put((byte) ' ');
        for (int i = 0; i < 32; i++) {
            b.put(HEX[rnd.nextInt(16)]);                         // md5 hex
        }
        return b.array();
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static byte[] realisticRow(long id, Random rnd) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 8 + 4 + 2 + 8 + 8 + 33).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(id);                                           // id
        b.putLong(rnd.nextInt(2_000_000));                       // customer_id
        b.putLong(rnd.nextInt(500_000));                         // amount (numeric, cents)
        b.putInt(rnd.nextInt(100));                              // quantity
        b.putShort((short) rnd.nextInt(6));                      // status
        b.putLong(1_577_836_800_000_000L + rnd.nextLong(155_520_000L) * 1_000_000L); // created_at, seconds
        b.putLong(1_577_836_800_000_000L + rnd.nextLong(155_520_000L) * 1_000_000L); // shipped_at
        b.put((byte) 0x43);                                      // varlena header of a 32-char text
        for (int i = 0; i < 32; i++) {
            b.put(HEX[rnd.nextInt(16)]);                         // md5 hex
        }
        return b.array();
    }
}
