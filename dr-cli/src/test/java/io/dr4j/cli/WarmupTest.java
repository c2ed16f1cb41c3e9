package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class WarmupTest {
    private static boolean scan(Map<String, String> env, String... args) {
        return Warmup.scanPays(args, env);
    }

    @Test
    void aRestoreFromALocalRepositoryLooksNothingUpOnTheClassPath() {
        Map<String, String> local = Map.of("DR_REPOSITORY", "/var/backups/db");
        assertThat(scan(local, "restore", "-q", "--to", "/x")).isFalse();
        assertThat(scan(Map.of("DR_REPOSITORY", "file:/var/backups/db"), "restore", "--to", "/x")).isFalse();
        assertThat(scan(Map.of(), "restore", "--repo", "relative/dir", "--to", "/x")).isFalse();
        assertThat(scan(Map.of("DR_REPOSITORY", "s3://b/p"), "restore", "--repo=FILE:/b", "--to", "/x")).isFalse();
    }

    @Test
    void everythingElseIsScannedAhead() {
        Map<String, String> local = Map.of("DR_REPOSITORY", "/var/backups/db");
        assertThat(scan(local, "backup", "--pgdata", "/x")).as("JDBC finds its driver by a service lookup").isTrue();
        assertThat(scan(local, "restore", "--to", "/x", "--start")).isTrue();
        assertThat(scan(local, "restore", "--to", "/x", "--config", "dr.properties")).isTrue();
        assertThat(scan(local, "restore", "--to", "/x", "--config=dr.properties")).isTrue();
        assertThat(scan(Map.of("DR_REPOSITORY", "s3://bucket/db"), "restore", "--to", "/x")).isTrue();
        assertThat(scan(Map.of(), "restore", "--repo", "gs://bucket/db", "--to", "/x")).isTrue();
        assertThat(scan(Map.of(), "restore", "--repo", "/a", "--repo", "/b", "--to", "/x")).as("a mirror").isTrue();
        assertThat(scan(Map.of("DR_REPOSITORY", "/a,/b"), "restore", "--to", "/x")).isTrue();
        assertThat(scan(Map.of(), "restore", "--to", "/x")).as("no repository: the error comes later").isTrue();
        assertThat(scan(Map.of("DR_REPOSITORY", "/a", "DR_STORAGE_PROVIDER", "x"), "restore", "--to", "/x")).isTrue();
    }
}
