package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class S3ObjectWriterTest {
    static final long MIB = 1024 * 1024;

    @Test
    @DisplayName("the configured part size is kept unless the size hint needs more than S3's 10,000 parts")
    void partSize() {
        assertThat(S3ObjectWriter.partSizeFor(16 * MIB, -1)).isEqualTo(16 * MIB);
        assertThat(S3ObjectWriter.partSizeFor(16 * MIB, 100L * 1024 * MIB)).isEqualTo(16 * MIB);
        long tib = 1024L * 1024 * MIB;
        int raised = S3ObjectWriter.partSizeFor(16 * MIB, tib);
        assertThat(raised % MIB).isZero();
        assertThat((tib + raised - 1) / raised).isLessThanOrEqualTo(S3ObjectWriter.MAX_PARTS - 100);
        assertThat(S3ObjectWriter.partSizeFor(16 * MIB, 100 * tib)).isLessThan(Integer.MAX_VALUE);
    }
}
