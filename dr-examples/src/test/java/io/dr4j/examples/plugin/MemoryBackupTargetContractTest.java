package io.dr4j.examples.plugin;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.tck.BackupTargetContractTest;

/** The whole dr-tck kit against the example plugin. */
class MemoryBackupTargetContractTest extends BackupTargetContractTest {
    @Override
    protected BackupTarget createTarget() {
        return MemoryBackupTarget.create();
    }

    /** Objects live on the heap here: a smaller "large" object keeps the test JVM small. */
    @Override
    protected long largeObjectSize() {
        return 32L * 1024 * 1024;
    }
}
