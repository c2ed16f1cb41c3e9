package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit on the file-system target. */
class FileBackupTargetContractTest extends BackupTargetContractTest {
    @TempDir
    Path dir;

    @Override
    protected BackupTarget createTarget() {
        return FileBackupTarget.of(dir.resolve("repo"));
    }

    @Test
    @DisplayName("the kit runs here in a heap smaller than its large object, so a buffering target would fail")
    void heapIsSmallerThanTheLargeObject() {
        assertThat(Runtime.getRuntime().maxMemory()).as("-Xmx of dr-tck's surefire (dr-tck/pom.xml)")
                .isLessThan(largeObjectSize() / 2);
    }
}
