package io.dr4j.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileUploaderChunkTest {
    @Test
    void readBuffersAreWholePagesSizedToTheFileUpToTheChunk() {
        assertThat(FileUploader.chunkFor(0)).isEqualTo(8192);
        assertThat(FileUploader.chunkFor(1)).isEqualTo(8192);
        assertThat(FileUploader.chunkFor(8192)).isEqualTo(8192);
        assertThat(FileUploader.chunkFor(8193)).isEqualTo(16384);
        assertThat(FileUploader.chunkFor(40 * 8192)).isEqualTo(32 * 8192);
        assertThat(FileUploader.chunkFor(1L << 30)).isEqualTo(32 * 8192);
    }
}
