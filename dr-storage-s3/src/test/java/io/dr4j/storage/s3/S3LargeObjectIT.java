package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB stream of unknown length through the S3 target into s3proxy's file-system store (the transient store would
 * hold the GiB in this JVM's heap). Proves streaming with parallel parts and bounded buffers; prints the rate (the
 * benchmark harness measures performance, this test asserts none).
 */
class S3LargeObjectIT {
    static final long GIB = 1024L * 1024 * 1024;
    static final long PART = 8L * 1024 * 1024;
    static final int CONCURRENCY = 4;

    @TempDir
    Path store;

    @Test
    @DisplayName("a 1 GiB stream uploads with parallel parts, buffers stay within partSize x concurrency, reads back identical")
    void oneGibStream() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.startFilesystem(store)) {
            server.createBucket("large");
            try (S3BackupTarget target = server.target("large", "gib").partSize(PART).concurrency(CONCURRENCY).build()) {
                MessageDigest written = MessageDigest.getInstance("SHA-256");
                resetPeaks();
                long t0 = System.nanoTime();
                S3ObjectWriter w = (S3ObjectWriter) target.newWriter("one.gib", WriteOptions.createNew());
                ObjectInfo info;
                try (w) {
                    byte[] chunk = new byte[1024 * 1024 + 7]; // odd size: writes straddle part boundaries
                    long done = 0;
                    long seq = 0;
                    while (done < GIB) {
                        int n = (int) Math.min(chunk.length, GIB - done);
                        seq = fill(chunk, n, seq);
                        written.update(chunk, 0, n);
                        w.write(chunk, 0, n);
                        done += n;
                    }
                    info = w.commit();
                }
                double upSeconds = (System.nanoTime() - t0) / 1e9;
                long peakHeap = peakHeap();

                assertThat(info.size()).isEqualTo(GIB);
                assertThat(w.allocatedBufferBytes()).as("part buffers never exceed partSize x concurrency")
                        .isLessThanOrEqualTo(PART * CONCURRENCY);
                assertThat(server.admin().listMultipartUploads(b -> b.bucket("large")).uploads()).isEmpty();
                ObjectInfo stat = target.stat("one.gib").orElseThrow();
                assertThat(stat.size()).isEqualTo(GIB);
                assertThat(stat.etag()).as("a multipart ETag names the part count: 1 GiB / 8 MiB").contains("-128");

                long t1 = System.nanoTime();
                MessageDigest read = MessageDigest.getInstance("SHA-256");
                long readBytes = 0;
                try (InputStream in = target.get("one.gib")) {
                    byte[] buf = new byte[1024 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        read.update(buf, 0, n);
                        readBytes += n;
                    }
                }
                double downSeconds = (System.nanoTime() - t1) / 1e9;
                assertThat(readBytes).isEqualTo(GIB);
                assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(HexFormat.of().formatHex(written.digest()));
                System.out.printf("1 GiB via s3proxy(filesystem): upload %.1f s (%.0f MiB/s, %d x %d MiB parts in parallel, "
                                + "etag %s), download %.1f s (%.0f MiB/s), part buffers %d MiB, peak heap %d MiB (s3proxy "
                                + "runs in the same JVM)%n", upSeconds, 1024 / upSeconds, CONCURRENCY, PART >> 20,
                        stat.etag(), downSeconds, 1024 / downSeconds, w.allocatedBufferBytes() >> 20, peakHeap >> 20);
                target.delete("one.gib");
            }
        }
    }

    /** Deterministic, incompressible-enough bytes, fast to generate (no RNG per byte). */
    private static long fill(byte[] chunk, int n, long seq) {
        ByteBuffer bb = ByteBuffer.wrap(chunk, 0, n);
        while (bb.remaining() >= 8) {
            seq++;
            long x = seq * 0x9E3779B97F4A7C15L;
            x ^= x >>> 31;
            bb.putLong(x * 0xBF58476D1CE4E5B9L);
        }
        while (bb.hasRemaining()) {
            bb.put((byte) seq++);
        }
        return seq;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

}
