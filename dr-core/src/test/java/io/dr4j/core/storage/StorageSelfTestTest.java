package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageSelfTestTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a correct target passes every check and the scratch prefix is removed")
    void correctTargetPasses() throws IOException {
        FileBackupTarget target = FileBackupTarget.of(dir);
        StorageSelfTest.Report r = StorageSelfTest.run(target, "scratch/");

        assertThat(r.passed()).as(r.summary()).isTrue();
        assertThat(r.checks()).extracting(StorageSelfTest.Check::name)
                .containsExactly("put", "stat", "get", "ranged-get", "list", "conditional-create", "delete");
        assertThat(r.observed()).containsExactlyInAnyOrder(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ,
                Capability.CONSISTENT_LISTING);
        assertThat(r.claimedButNotObserved()).isEmpty();
        assertThat(r.scratch()).startsWith("scratch/");
        assertThat(target.listAll("")).isEmpty();
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    @DisplayName("a store that ignores create-only and Range is caught and its claims are flagged")
    void lyingStoreIsCaught() {
        BackupTarget liar = new Liar(FileBackupTarget.of(dir));
        StorageSelfTest.Report r = StorageSelfTest.run(liar);

        assertThat(r.passed()).isFalse();
        assertThat(r.check("conditional-create")).get().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(StorageSelfTest.Outcome.FAILED);
            assertThat(c.detail()).contains("OVERWROTE");
        });
        assertThat(r.check("ranged-get")).get().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(StorageSelfTest.Outcome.FAILED);
            assertThat(c.detail()).contains("ignores Range");
        });
        assertThat(r.check("put").orElseThrow().outcome()).isEqualTo(StorageSelfTest.Outcome.PASSED);
        assertThat(r.claimedButNotObserved()).containsExactlyInAnyOrder(Capability.CONDITIONAL_CREATE,
                Capability.RANGED_READ);
        assertThat(r.summary()).contains("WARNING: claimed but not observed");
    }

    @Test
    @DisplayName("a store whose writes fail reports a failed put and skips the rest instead of throwing")
    void brokenStoreReportsFailure() {
        BackupTarget broken = new Liar(FileBackupTarget.of(dir)) {
            @Override
            public ObjectWriter newWriter(String key, WriteOptions options) {
                throw new AccessDeniedException("Access denied to write " + key, null);
            }
        };
        StorageSelfTest.Report r = StorageSelfTest.run(broken);

        assertThat(r.passed()).isFalse();
        assertThat(r.checks().get(0).outcome()).isEqualTo(StorageSelfTest.Outcome.FAILED);
        assertThat(r.checks().get(0).detail()).contains("AccessDeniedException", "Access denied");
        assertThat(r.checks().subList(1, r.checks().size()))
                .allSatisfy(c -> assertThat(c.outcome()).isEqualTo(StorageSelfTest.Outcome.SKIPPED));
    }

    /** Claims everything, overwrites on create-only, returns whole objects for ranges. */
    private static class Liar extends ForwardingBackupTarget {
        Liar(FileBackupTarget delegate) {
            super(delegate);
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.values());
        }

        @Override
        public ObjectWriter newWriter(String key, WriteOptions options) {
            return delegate().newWriter(key, WriteOptions.replaceExisting());
        }

        @Override
        public InputStream get(String key, ByteRange range) {
            InputStream in = delegate().get(key);
            return range.offset() > 0 && range.length() < 0 ? delegate().get(key, range) : in;
        }
    }
}
