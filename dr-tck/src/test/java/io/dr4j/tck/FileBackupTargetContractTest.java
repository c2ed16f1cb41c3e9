package io.dr4j.tck;

import java.nio.file.Path;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.io.TempDir;

/** The kit on the file-system target. */
class FileBackupTargetContractTest extends BackupTargetContractTest {
    @TempDir
    Path dir;

    @Override
    protected BackupTarget createTarget() {
        return FileBackupTarget.of(dir.resolve("repo"));
    }
}
