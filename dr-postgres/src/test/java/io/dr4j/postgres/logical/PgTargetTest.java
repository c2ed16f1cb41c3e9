package io.dr4j.postgres.logical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.dr4j.core.config.Secret;
import io.dr4j.postgres.PostgresCluster;

import org.junit.jupiter.api.Test;

/** A logical-backup target and the cluster handle connect the same way: one implementation behind both. */
class PgTargetTest {
    @Test
    void aTargetConnectsExactlyLikeItsClusterHandle() {
        PgTarget t = new PgTarget("::1", 5433, "dr_backup", Secret.of("s3cret-pw"), "shop");
        PostgresCluster c = t.cluster();
        assertThat(t.jdbcUrl()).isEqualTo(c.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/shop");
        assertThat(t.jdbcProperties()).isEqualTo(c.jdbcProperties()).containsEntry("user", "dr_backup")
                .containsEntry("password", "s3cret-pw").containsEntry("connectTimeout", "10")
                .containsEntry("ApplicationName", "dr4j");
        assertThat(t.toolEnvironment()).isEqualTo(c.libpqEnvironment()).isEqualTo(Map.of("PGHOST", "::1",
                "PGPORT", "5433", "PGUSER", "dr_backup", "PGDATABASE", "shop", "PGAPPNAME", "dr4j",
                "PGCONNECT_TIMEOUT", "10", "PGPASSWORD", "s3cret-pw"));
        assertThat(t + " " + c).doesNotContain("s3cret-pw");
    }

    @Test
    void aClusterHandleNamesTheSameTargetAndKeepsItsOwnTimeout() {
        PostgresCluster c = PostgresCluster.builder().jdbcUrl("jdbc:postgresql://db.example:5432/app?sslmode=require")
                .user("backup").build();
        PgTarget t = PgTarget.of(c);
        assertThat(t).isEqualTo(new PgTarget("db.example", 5432, "backup", null, "app"));
        assertThat(t.withDatabase("other").jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/other");
        assertThat(c.libpqEnvironment()).containsEntry("PGCONNECT_TIMEOUT", "15").containsEntry("PGSSLMODE", "require")
                .doesNotContainKey("PGPASSWORD");
        assertThat(c.jdbcProperties()).containsEntry("connectTimeout", "15").containsEntry("sslmode", "require")
                .doesNotContainKey("password");
    }
}
