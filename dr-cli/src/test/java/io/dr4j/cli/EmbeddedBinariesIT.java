package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;

/** The demo's fallback: PostgreSQL server binaries from the Maven artifact on the class path, no installation. */
class EmbeddedBinariesIT {

    @Test
    void runsAServerFromTheBinariesOnTheClassPath() throws Exception {
        Path cache = Path.of("target", "pg-binaries").toAbsolutePath();
        PostgresBinaries bin = PostgresBinaries.fromClasspath(cache).orElseThrow();
        assertThat(bin.majorVersion()).isEqualTo(17);
        assertThat(bin.has("pg_dump")).as("server-only build").isFalse();
        // extracted once: the second call reuses the cache
        assertThat(PostgresBinaries.fromClasspath(cache).orElseThrow().binDir()).isEqualTo(bin.binDir());
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).start();
             Connection c = pg.connect("postgres");
             ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1) / 10000).isEqualTo(17);
        }
    }
}
