package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.pg15;
import static io.dr4j.postgres.PgTestSupport.query;
import static io.dr4j.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.dr4j.postgres.backup.Exclusions;
import io.dr4j.postgres.backup.PageChecksum;
import io.dr4j.postgres.backup.PageChecksumReference;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.Test;

/** dr4j's page checksum against PostgreSQL's own {@code pg_checksums} on the pages of a real cluster. */
class PageChecksumIT {

    @Test
    void everyPageOfARealClusterVerifiesAndACorruptedOneIsNamedWithPgChecksumsCalculatedValue() throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15()).start()) {
            sql(pg, "create table t as select g as id, md5(g::text) as v from generate_series(1, 20000) g",
                    "create index on t(v)", "checkpoint");
            String rel = query(pg, "select pg_relation_filepath('t')");
            pg.stop();
            Path data = pg.dataDir();
            assertThat(pgChecksums(pg).exitCode()).as("pg_checksums --check on the clean cluster").isZero();

            long verified = 0;
            byte[] page = new byte[PageChecksum.BLOCK_SIZE];
            List<Path> files;
            try (Stream<Path> s = Files.walk(data)) {
                files = s.filter(Files::isRegularFile)
                        .filter(p -> Exclusions.isChecksummed(data.relativize(p).toString())).toList();
            }
            for (Path f : files) {
                long firstBlock = Exclusions.segmentNumber(data.relativize(f).toString()) * PageChecksum.BLOCKS_PER_SEGMENT;
                try (RandomAccessFile in = new RandomAccessFile(f.toFile(), "r")) {
                    for (long blk = 0; (blk + 1) * PageChecksum.BLOCK_SIZE <= in.length(); blk++) {
                        in.seek(blk * PageChecksum.BLOCK_SIZE);
                        in.readFully(page);
                        if (PageChecksum.isNew(page, 0)) {
                            continue;
                        }
                        int sum = PageChecksum.compute(page, 0, firstBlock + blk);
                        assertThat(sum).as("%s block %d", f, blk).isEqualTo(PageChecksum.stored(page, 0))
                                .isEqualTo(PageChecksumReference.compute(page, 0, firstBlock + blk));
                        verified++;
                    }
                }
            }
            assertThat(verified).as("pages verified").isGreaterThan(500);

            // flip one byte in block 3 of the table: pg_checksums names the block and its calculated checksum
            Path victim = data.resolve(rel);
            try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
                long pos = 3L * PageChecksum.BLOCK_SIZE + 5000;
                f.seek(pos);
                int b = f.read();
                f.seek(pos);
                f.write(b ^ 0x40);
                f.seek(3L * PageChecksum.BLOCK_SIZE);
                f.readFully(page);
            }
            Processes.Result check = pgChecksums(pg);
            assertThat(check.exitCode()).as(check.output()).isNotZero();
            Matcher m = Pattern.compile("block (\\d+): calculated checksum ([0-9A-F]+) but block contains ([0-9A-F]+)")
                    .matcher(check.output());
            assertThat(m.find()).as(check.output()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(3);
            assertThat(PageChecksum.compute(page, 0, 3)).isEqualTo(Integer.parseInt(m.group(2), 16));
            assertThat(PageChecksum.stored(page, 0)).isEqualTo(Integer.parseInt(m.group(3), 16));
            assertThat(PageChecksum.verifies(page, 0, 3, -1L)).as("detected (backup start LSN past every page)").isFalse();
        }
    }

    private static Processes.Result pgChecksums(ScratchCluster pg) {
        return Processes.run(Processes.asPostgresUser(List.of(pg.binaries().tool("pg_checksums").toString(), "--check",
                "-D", pg.dataDir().toString())), Map.of(), null, Duration.ofMinutes(2));
    }
}
