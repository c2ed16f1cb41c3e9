package io.dr4j.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

class ScratchClusterIT {

    @Test
    void startsQueriesAndCleansUp() throws Exception {
        ScratchCluster pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow()).start();
        try (pg) {
            try (Connection c = pg.connect("postgres");
                 ResultSet rs = c.createStatement().executeQuery(
                         "select current_setting('data_checksums'), current_setting('wal_level'), inet_server_port()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("on");
                assertThat(rs.getString(2)).isEqualTo("replica");
                assertThat(rs.getInt(3)).isEqualTo(pg.port());
            }
            assertThat(pg.binaries().majorVersion()).isEqualTo(15);
        }
        assertThat(Files.exists(pg.baseDir())).isFalse();
    }
}
