package io.dr4j.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory stays flat: a 1 GiB object goes through the whole pipeline (SHA-256, zstd, envelope encryption, file target
 * with fsync) and back (decrypt, decompress, verify) in a JVM whose heap is capped at 96 MiB (its own failsafe
 * execution in dr-core/pom.xml). A sampler records the heap in use; it must stay below 128 MB.
 */
class LargeObjectHeapIT {
    private static final Logger log = LoggerFactory.getLogger(LargeObjectHeapIT.class);
    static final long SIZE = 1024L * 1024 * 1024;
    static final long LIMIT = 128L * 1000 * 1000;

    @TempDir
    Path dir;

    @Test
    void aOneGibObjectGoesThroughThePipelineWithASmallHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("the test JVM runs with -Xmx96m")
                .isLessThanOrEqualTo(100L * 1024 * 1024);
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        sampler.start();

        long start = System.nanoTime();
        var options = RepositoryOptions.DEFAULT.withCodec(CodecSpec.DEFAULT)
                .withEncryption(EnvelopeEncryption.with(KeyProvider.of(KeyProvider.generate(), "test key")));
        StoredObject stored;
        String generated;
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir), options, "sys", "test")) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (Repository.ObjectSink sink = repo.newObject("backups/b1/data/base/1/big")) {
                byte[] buf = new byte[128 * 1024];
                SplittableRandom r = new SplittableRandom(2026);
                for (long left = SIZE; left > 0; left -= buf.length) {
                    fill(r, buf);
                    md.update(buf);
                    sink.write(buf);
                }
                stored = sink.commit();
            }
            generated = HexFormat.of().formatHex(md.digest());
            long written = System.nanoTime();

            String readBack = repo.readVerified(stored, LargeObjectHeapIT::sha256);
            long read = System.nanoTime();
            sampler.interrupt();
            sampler.join();

            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            log.info("1 GiB through zstd+AES256_GCM_HKDF_1MB to a file target: write {} ms, verified read {} ms, "
                            + "stored {} bytes, sampled peak heap used {} MB, sum of heap pool peaks {} MB, max heap {} MB",
                    (written - start) / 1_000_000, (read - written) / 1_000_000, stored.storedSize(),
                    peak.get() / 1_000_000, poolPeaks / 1_000_000, Runtime.getRuntime().maxMemory() / 1_000_000);
            assertThat(stored.size()).isEqualTo(SIZE);
            assertThat(stored.sha256()).as("hash computed by the pipeline").isEqualTo(generated);
            assertThat(readBack).as("hash of the bytes read back").isEqualTo(generated);
        }
        assertThat(peak.get()).as("sampled peak heap in use").isGreaterThan(0).isLessThan(LIMIT);
    }

    private static void fill(SplittableRandom r, byte[] buf) {
        for (int i = 0; i < buf.length; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8; k++) {
                buf[i + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[128 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
