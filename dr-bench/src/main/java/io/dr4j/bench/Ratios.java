package io.dr4j.bench;

import java.io.IOException;

/** Prints the compression ratio of each codec on each data set (what CodecBenchmark encodes), as TSV. */
public final class Ratios {
    private Ratios() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("data\tcodec\tencrypted\tratio");
        for (String data : new String[] {"realistic", "pgbench"}) {
            for (String codec : new String[] {"zstd-1", "zstd-3", "lz4", "gzip-6", "none"}) {
                for (boolean enc : new boolean[] {false, true}) {
                    CodecBenchmark b = new CodecBenchmark();
                    b.data = data;
                    b.codec = codec;
                    b.encrypted = enc;
                    b.setUp();
                    System.out.printf("%s\t%s\t%s\t%.2f%n", data, codec, enc, b.ratio());
                }
            }
        }
    }
}
