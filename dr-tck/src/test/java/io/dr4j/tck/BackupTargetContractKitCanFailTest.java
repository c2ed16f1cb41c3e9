package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.List;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.ForwardingBackupTarget;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves that the kit can fail: runs it (with JUnit's EngineTestKit) against deliberately broken targets and checks
 * that exactly the tests for the broken behaviour fail. The broken kit subclasses are static nested classes, so
 * neither Surefire nor Jupiter run them on their own.
 */
class BackupTargetContractKitCanFailTest {

    /** Overwrites on a create-only write, claiming CONDITIONAL_CREATE all the same. */
    static class OverwritingTarget extends BackupTargetContractTest {
        @TempDir
        Path dir;

        @Override
        protected BackupTarget createTarget() {
            return new ForwardingBackupTarget(FileBackupTarget.of(dir)) {
                @Override
                public ObjectWriter newWriter(String key, WriteOptions options) {
                    return delegate().newWriter(key, WriteOptions.replaceExisting());
                }
            };
        }

        @Override
        protected long largeObjectSize() {
            return 1024 * 1024; // the large round trip is not what this proof is about
        }
    }

    /** Overwrites on create-only writes, but says so: the target does not claim it, the kit declares it lacking. */
    static class HonestOverwritingTarget extends BackupTargetContractTest {
        @TempDir
        Path dir;

        @Override
        protected BackupTarget createTarget() {
            return new ForwardingBackupTarget(FileBackupTarget.of(dir)) {
                @Override
                public ObjectWriter newWriter(String key, WriteOptions options) {
                    return delegate().newWriter(key, WriteOptions.replaceExisting());
                }

                @Override
                public java.util.Set<Capability> capabilities() {
                    return java.util.Set.of(Capability.RANGED_READ);
                }
            };
        }

        @Override
        protected KitCapabilities capabilities() {
            return KitCapabilities.all().without(Capability.CONDITIONAL_CREATE, "this store has no preconditions");
        }

        @Override
        protected long largeObjectSize() {
            return 1024 * 1024;
        }
    }

    /** Declares a lack in the kit but still claims the capability on the target. */
    static class ContradictoryTarget extends OverwritingTarget {
        @Override
        protected KitCapabilities capabilities() {
            return KitCapabilities.all().without(Capability.CONDITIONAL_CREATE, "this store has no preconditions");
        }
    }

    /** Publishes objects even when the writer is closed without commit. */
    static class CommitOnCloseTarget extends BackupTargetContractTest {
        @TempDir
        Path dir;

        @Override
        protected BackupTarget createTarget() {
            return new ForwardingBackupTarget(FileBackupTarget.of(dir)) {
                @Override
                public ObjectWriter newWriter(String key, WriteOptions options) {
                    ObjectWriter real = delegate().newWriter(key, options);
                    return new ObjectWriter() {
                        private boolean done;

                        @Override
                        public void write(byte[] b, int off, int len) throws java.io.IOException {
                            real.write(b, off, len);
                        }

                        @Override
                        public io.dr4j.core.storage.ObjectInfo commit() throws java.io.IOException {
                            done = true;
                            return real.commit();
                        }

                        @Override
                        public void abort() {
                            if (!done) {
                                done = true;
                                try {
                                    real.commit();
                                } catch (java.io.IOException | RuntimeException e) {
                                    real.abort();
                                }
                            }
                        }
                    };
                }
            };
        }

        @Override
        protected long largeObjectSize() {
            return 1024 * 1024;
        }
    }

    private static Events run(Class<?> kit) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
    }

    private static List<String> failedNames(Events events) {
        return events.failed().stream().map(Event::getTestDescriptor).map(d -> d.getDisplayName()).toList();
    }

    @Test
    @DisplayName("the kit fails a target that overwrites on a create-only write")
    void overwritingTargetFails() {
        Events events = run(OverwritingTarget.class);
        assertThat(failedNames(events)).containsExactlyInAnyOrder(
                "a create-only write of an existing key is refused and leaves the original intact",
                "when two create-only writers race for one key, exactly one wins and its bytes are stored");
        assertThat(events.succeeded().count()).as("the rest of the kit passes").isGreaterThan(30);
    }

    @Test
    @DisplayName("a store that declares a lack with its reason has those tests skipped, and passes the rest")
    void declaredLackSkips() {
        Events events = run(HonestOverwritingTarget.class);
        assertThat(failedNames(events)).isEmpty();
        assertThat(events.skipped().count() + events.aborted().count()).isEqualTo(2);
        assertThat(events.aborted().stream().map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage)
                .orElse(""))).allMatch(m -> m.contains("this store has no preconditions"));
    }

    @Test
    @DisplayName("a store that declares a lack but claims the capability fails the consistency check")
    void contradictionFails() {
        assertThat(failedNames(run(ContradictoryTarget.class)))
                .containsExactly("declared capabilities do not claim what the store says it lacks");
    }

    @Test
    @DisplayName("the kit fails a target whose writers publish on close without commit")
    void commitOnCloseTargetFails() {
        Events events = run(CommitOnCloseTarget.class);
        assertThat(failedNames(events)).contains(
                "closing a writer without commit leaves nothing: no object, nothing listed",
                "an exception while writing aborts the object");
    }
}
