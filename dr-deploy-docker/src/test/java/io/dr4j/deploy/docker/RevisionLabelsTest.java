package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.deploy.docker.RevisionLabels.Entry;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RevisionLabelsTest {

    @Test
    @DisplayName("a container dr4j never deployed is revision 1 of its own image")
    void implicitFirstRevision() {
        List<Entry> h = RevisionLabels.read("web", Map.of("team", "a"), "app:1", "sha256:aa", "2026-01-01T00:00:00Z");

        assertThat(h).containsExactly(new Entry(1, "app:1", "sha256:aa", "2026-01-01T00:00:00Z", null, null));
    }

    @Test
    @DisplayName("history written to labels reads back identically, other labels kept, old dr4j labels replaced")
    void roundTrip() {
        List<Entry> history = List.of(
                new Entry(1, "app:1", "sha256:aa", "2026-01-01T00:00:00Z", null, null),
                new Entry(2, "reg/app:2", "sha256:bb", "2026-01-02T00:00:00Z", "release \"2\"", "reg/app@sha256:cc"));
        Map<String, String> labels = RevisionLabels.write(Map.of("team", "a", "io.dr4j.revision", "9"), history);

        assertThat(labels).containsEntry("team", "a").containsEntry(RevisionLabels.REVISION, "2")
                .containsEntry(RevisionLabels.IMAGE, "reg/app:2")
                .containsEntry(RevisionLabels.CHANGE_CAUSE, "release \"2\"");
        assertThat(RevisionLabels.read("web", labels, "ignored", "ignored", null)).isEqualTo(history);
        assertThat(history.get(1).imageWithDigest()).isEqualTo("reg/app:2@sha256:cc");
        assertThat(history.get(0).imageWithDigest()).isEqualTo("app:1");
        assertThat(history.get(1).created()).isNotNull();
    }

    @Test
    @DisplayName("append keeps the newest entries up to the limit")
    void appendTrims() {
        List<Entry> h = List.of(entry(1), entry(2), entry(3));

        assertThat(RevisionLabels.append(h, entry(4), 3)).extracting(Entry::revision).containsExactly(2L, 3L, 4L);
    }

    @Test
    @DisplayName("a damaged history label is a DeploymentException naming the container and the fix")
    void damagedLabel() {
        assertThatThrownBy(() -> RevisionLabels.read("web", Map.of(RevisionLabels.HISTORY, "{not json"), "a", "b",
                null)).isInstanceOf(DeploymentException.class).hasMessageContaining("web")
                .hasMessageContaining(RevisionLabels.HISTORY);
    }

    private static Entry entry(long n) {
        return new Entry(n, "app:" + n, "sha256:" + n, null, null, null);
    }
}
