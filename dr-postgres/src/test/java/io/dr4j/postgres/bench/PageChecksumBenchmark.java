package io.dr4j.postgres.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.dr4j.postgres.backup.PageChecksum;
import io.dr4j.postgres.backup.PageChecksumReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Page checksum throughput: the vectorisable implementation against the byte-by-byte one it replaced, over 32
 * pages (256 KiB, one read chunk of the backup). Run by hand from the repository root (see docs/benchmarks.md):
 * <pre>
 * ./mvnw -B -o -q -pl dr-postgres -am test-compile dependency:build-classpath  *     -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp "dr-postgres/target/test-classes:dr-postgres/target/classes:$(cat dr-postgres/target/test-cp.txt)"  *     io.dr4j.postgres.bench.PageChecksumBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PageChecksumBenchmark {
    private static final int PAGES = 32;
    private final byte[] chunk = new byte[PAGES * PageChecksum.BLOCK_SIZE];

    @Setup
    public void fill() {
        new Random(42).nextBytes(chunk);
    }

    /** Pages per second, vectorisable implementation. */
    @Benchmark
    public int current() {
        int x = 0;
        for (int p = 0; p < PAGES; p++) {
            x ^= PageChecksum.compute(chunk, p * PageChecksum.BLOCK_SIZE, p);
        }
        return x;
    }

    /** Pages per second, the earlier byte-by-byte implementation. */
    @Benchmark
    public int reference() {
        int x = 0;
        for (int p = 0; p < PAGES; p++) {
            x ^= PageChecksumReference.compute(chunk, p * PageChecksum.BLOCK_SIZE, p);
        }
        return x;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(PageChecksumBenchmark.class.getSimpleName()).build()).run();
    }
}
