package io.dr4j.postgres.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Logical backup round trips on a real PostgreSQL 15 cluster with pgbench data. */
class LogicalBackupIT {
    static ScratchCluster pg;
    static PostgresBinaries bin;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        bin = PostgresBinaries.installed(15).orElseThrow();
        pg = ScratchCluster.builder().binaries(bin).start();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
        }
        Processes.check(List.of(bin.tool("pgbench").toString(), "-i", "-s", "2", "-q", "app"), env("app"), null,
                Duration.ofMinutes(5));
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id serial primary key, body text, at timestamptz default now())");
            st.execute("INSERT INTO notes (body) SELECT md5(g::text) FROM generate_series(1, 5000) g");
            st.execute("CREATE ROLE reporting");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    static Map<String, String> env(String db) {
        return new PgTarget("127.0.0.1", pg.port(), "postgres", null, db).toolEnvironment();
    }

    static String dump(String db) {
        String out = Processes.check(List.of(bin.tool("pg_dump").toString(), "-Fp", "--no-comments", db), env(db), null,
                Duration.ofMinutes(5));
        // drop the header lines that carry versions and times
        return String.join("\n", out.lines().filter(l -> !l.startsWith("--") && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict")).toList());
    }

    /** Compares two dumps line by line and reports the first difference (the dumps are too big to print). */
    static void assertSameDump(String actual, String expected) {
        List<String> a = actual.lines().toList();
        List<String> e = expected.lines().toList();
        for (int i = 0; i < Math.min(a.size(), e.size()); i++) {
            if (!a.get(i).equals(e.get(i))) {
                throw new AssertionError("Dumps differ at line " + (i + 1) + ":\n  expected: " + e.get(i)
                        + "\n  actual:   " + a.get(i));
            }
        }
        assertThat(a.size()).as("dump length in lines").isEqualTo(e.size());
    }

    Repository repo() {
        return Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT,
                PostgresLogicalBackup.builder().target(target("app")).build().systemId(), "postgresql");
    }

    static PgTarget target(String db) {
        return new PgTarget("127.0.0.1", pg.port(), "postgres", null, db);
    }

    @ParameterizedTest
    @EnumSource(DumpFormat.class)
    void backupDropRestoreGivesTheSameDump(DumpFormat format) throws Exception {
        String before = dump("app");
        Repository repo = repo();
        BackupResult r = PostgresLogicalBackup.builder().target(target("app")).format(format).jobs(2).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL));
        assertThat(r.manifest().type()).isEqualTo(BackupType.LOGICAL);
        assertThat(r.manifest().properties()).containsEntry("format", format.id()).containsEntry("database", "app");
        assertThat(r.manifest().files()).extracting(BackupFile::path).contains("globals.sql", "row-counts.json");
        if (format == DumpFormat.DIRECTORY) {
            assertThat(r.manifest().files()).extracting(BackupFile::path).contains("dump/toc.dat");
            assertThat(r.manifest().files().size()).isGreaterThan(5);
        }
        if (format == DumpFormat.PLAIN) {
            BackupFile sql = r.manifest().files().stream().filter(f -> f.path().endsWith(".sql")).findFirst().orElseThrow();
            assertThat(sql.path()).matches("dump/app_\\d{8}_\\d{6}\\.sql");
            assertThat(sql.objectKey()).endsWith(".sql.gz");
            // readable by gunzip as plain SQL, like the DR plan's swe_db_YYYYMMDD_HHMMSS.sql.gz
            try (var in = new GZIPInputStream(Files.newInputStream(dir.resolve("repo").resolve(sql.objectKey())))) {
                assertThat(new String(in.readNBytes(4000))).contains("PostgreSQL database dump");
            }
        }

        String restored = "app_" + format.id();
        PostgresLogicalRestore restore = PostgresLogicalRestore.builder().target(target(restored)).build();
        restore.restore(repo, RestoreRequest.to(dir.resolve("work-" + format.id())).withBackup(r.id()));
        assertSameDump(dump(restored), before);
        assertThat(restore.compareRowCounts(repo, r.manifest())).isEmpty();

        // a second restore into the now existing database is refused without clean, and works with it
        assertThatThrownBy(() -> restore.restore(repo, RestoreRequest.to(dir.resolve("w2-" + format.id())).withBackup(r.id())))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("already exists")
                .hasMessageContaining("--clean");
        try (Connection c = pg.connect(restored); Statement st = c.createStatement()) {
            st.execute("DELETE FROM notes WHERE id > 10");
        }
        assertThat(restore.compareRowCounts(repo, r.manifest())).singleElement().asString()
                .contains("public.notes: expected 5000 rows, found 10");
        PostgresLogicalRestore.builder().target(target(restored)).clean(true).build()
                .restore(repo, RestoreRequest.to(dir.resolve("w3-" + format.id())).withBackup(r.id()));
        assertSameDump(dump(restored), before);
    }

    @Test
    void restoresASeedStyleSqlGzMadeByPgDumpAndGzip() throws Exception {
        String before = dump("app");
        Path file = dir.resolve("swe_db_20251109_020000.sql.gz");
        Processes.check(List.of("bash", "-c", bin.tool("pg_dump") + " app | gzip > " + file), env("app"), null,
                Duration.ofMinutes(5));
        PostgresLogicalRestore.builder().target(target("from_file")).build().restoreFile(file);
        assertSameDump(dump("from_file"), before);
    }

    @Test
    void testRestoreMeasuresAndChecksAndFailsABadCheck() throws Exception {
        Repository repo = repo();
        BackupResult r = PostgresLogicalBackup.builder().target(target("app")).format(DumpFormat.CUSTOM).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL));
        io.dr4j.core.backup.verify.VerificationRecord ok = io.dr4j.postgres.verify.TestRestore.builder().binaries(bin)
                .build().run(repo, r.id());
        assertThat(ok.passed()).as(String.join("; ", ok.problems())).isTrue();
        assertThat(ok.details()).containsKey("restoreSeconds").containsEntry("pg_amcheck", "passed")
                .containsKey("check: " + io.dr4j.postgres.verify.TestRestore.DEFAULT_CHECK);
        io.dr4j.core.backup.verify.VerificationRecord bad = io.dr4j.postgres.verify.TestRestore.builder().binaries(bin)
                .checks(List.of("SELECT count(*) > 1000000 FROM notes", "SELECT * FROM no_such_table")).build()
                .run(repo, r.id());
        assertThat(bad.passed()).isFalse();
        assertThat(bad.problems()).anySatisfy(p -> assertThat(p).contains("returned false"))
                .anySatisfy(p -> assertThat(p).contains("no_such_table"));
        assertThat(new io.dr4j.core.backup.verify.VerificationLog(repo).all()).hasSize(2);
    }

    @Test
    void refusesWhatIsNotADump() throws Exception {
        Path notDump = dir.resolve("photo.jpg");
        Files.write(notDump, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2, 3});
        assertThatThrownBy(() -> PostgresLogicalRestore.builder().target(target("nope")).build().restoreFile(notDump))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("is not a PostgreSQL dump");
        try (Connection c = pg.connect("postgres"); var rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'nope'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing was created").isZero();
        }
    }

    @Test
    void missingClientToolsNameWhatToInstall() {
        assertThatThrownBy(() -> ClientTools.forServer(99, null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("postgresql-client-99");
    }

    @Test
    void wrongPasswordIsAClearError() {
        PgTarget bad = new PgTarget("127.0.0.1", 1, "postgres", io.dr4j.core.config.Secret.of("s3cret-value"), "app");
        assertThatThrownBy(() -> PostgresLogicalBackup.builder().target(bad).build().systemId())
                .hasMessageContaining("Cannot connect to PostgreSQL at 127.0.0.1:1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-value"));
        assertThat(bad.toString()).doesNotContain("s3cret-value");
    }
}
