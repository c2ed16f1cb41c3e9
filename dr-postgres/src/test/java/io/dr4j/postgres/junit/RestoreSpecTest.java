package io.dr4j.postgres.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.restore.RecoveryTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link RestoredDatabase} values become a {@link RestoreSpec}: variables, targets, providers, bad input. */
class RestoreSpecTest {

    @AfterEach
    void clear() {
        System.clearProperty("dr4j.spec.repo");
        System.clearProperty("dr4j.spec.key");
    }

    @RestoredDatabase(repository = "${dr4j.spec.repo}", backup = "20261126T010203.000Z-full", database = "app",
            targetTime = "2026-11-09T02:00:00Z", keyVariable = "dr4j.spec.key",
            scratch = {RestoredDatabase.Scratch.ZONKY, RestoredDatabase.Scratch.MACHINE},
            lifecycle = RestoredDatabase.Lifecycle.PER_METHOD)
    static class Full {
    }

    @RestoredDatabase(repository = "file:///var/backups/db")
    static class Defaults {
    }

    @RestoredDatabase(repository = "${dr4j.spec.unset}")
    static class Unset {
    }

    @RestoredDatabase(repository = "/r", targetTime = "yesterday")
    static class BadTime {
    }

    @RestoredDatabase(repository = "/r", targetLsn = "nowhere")
    static class BadLsn {
    }

    @RestoredDatabase(repository = "/r", targetName = "p1", targetTime = "2026-11-09T02:00:00Z")
    static class TwoTargets {
    }

    @RestoredDatabase(repository = "/r", scratch = {})
    static class NoScratch {
    }

    static RestoreSpec of(Class<?> c) {
        return RestoreSpec.of(c.getAnnotation(RestoredDatabase.class));
    }

    @Test
    void everyAttributeIsRead() {
        System.setProperty("dr4j.spec.repo", "s3://bucket/shop");
        System.setProperty("dr4j.spec.key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        RestoreSpec s = of(Full.class);
        assertThat(s.repository()).isEqualTo("s3://bucket/shop");
        assertThat(s.backup()).isEqualTo("20261126T010203.000Z-full");
        assertThat(s.database()).isEqualTo("app");
        assertThat(s.target()).isEqualTo(RecoveryTarget.time(Instant.parse("2026-11-09T02:00:00Z")));
        assertThat(s.key()).isNotNull();
        assertThat(s.key().describe()).contains("dr4j.spec.key");
        assertThat(s.providers()).extracting(ScratchProvider::name).containsExactly("zonky binaries", "machine binaries");
        assertThat(s.lifecycle()).isEqualTo(RestoredDatabase.Lifecycle.PER_METHOD);
        assertThat(s.toString()).as("no key material in toString").doesNotContain("AAAAAAAA");
    }

    @Test
    void defaultsAreTheNewestBackupRecoveredToTheEndOnTheMachineThenZonky() {
        RestoreSpec s = of(Defaults.class);
        assertThat(s.backup()).isNull();
        assertThat(s.kind()).isEqualTo(RestoredDatabase.Kind.ANY);
        assertThat(s.target()).isEqualTo(RecoveryTarget.latest());
        assertThat(s.database()).isNull();
        assertThat(s.user()).isEqualTo("postgres");
        assertThat(s.key()).isNull();
        assertThat(s.providers()).extracting(ScratchProvider::name).containsExactly("machine binaries", "zonky binaries");
        assertThat(s.lifecycle()).isEqualTo(RestoredDatabase.Lifecycle.PER_CLASS);
    }

    @Test
    void badValuesNameTheAttributeAndTheFix() {
        assertThatThrownBy(() -> of(Unset.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("@RestoredDatabase(repository) names dr4j.spec.unset")
                .hasMessageContaining("neither the system property nor the environment variable");
        assertThatThrownBy(() -> of(BadTime.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("targetTime = \"yesterday\"").hasMessageContaining("2026-11-09T02:00:00Z");
        assertThatThrownBy(() -> of(BadLsn.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Not a WAL location: 'nowhere'");
        assertThatThrownBy(() -> of(TwoTargets.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("give one");
        assertThatThrownBy(() -> of(NoScratch.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No scratch provider");
    }

    @Test
    void theBuilderNeedsARepository() {
        assertThatThrownBy(() -> PostgresRestoreExtension.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no repository");
    }
}
