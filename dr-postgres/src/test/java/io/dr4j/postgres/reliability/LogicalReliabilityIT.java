package io.dr4j.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.config.Secret;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.RetryingBackupTarget;
import io.dr4j.core.storage.StorageException;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.logical.DumpFormat;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalBackup;
import io.dr4j.postgres.logical.PostgresLogicalRestore;
import io.dr4j.tck.FaultyBackupTarget;
import io.dr4j.tck.FaultyBackupTarget.Fault;
import io.dr4j.tck.FaultyBackupTarget.Operation;
import io.dr4j.tck.FaultyBackupTarget.Trigger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Logical backups on a real PostgreSQL 15 cluster with password (SCRAM) authentication: secrets never leak, a
 * non-superuser role with the documented grants can back up, storage faults are retried or fail cleanly.
 */
class LogicalReliabilityIT {
    /** Known secret values; none may ever appear in logs, messages, toString() or command lines. */
    static final String ADMIN_PASSWORD = "Adm1n-pw-9d1b6c0e7f";
    static final String BACKUP_PASSWORD = "Bkp-pw-4a77e2c19b";
    static final Secret REPOSITORY_KEY = KeyProvider.generate();

    static ScratchCluster pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow()).start();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE dr_admin LOGIN SUPERUSER PASSWORD '" + ADMIN_PASSWORD + "'");
            // the documented least-privilege grants (docs/security.md)
            st.execute("CREATE ROLE dr_backup LOGIN PASSWORD '" + BACKUP_PASSWORD + "'");
            st.execute("GRANT pg_read_all_data TO dr_backup");
            st.execute("GRANT EXECUTE ON FUNCTION pg_control_system() TO dr_backup");
            st.execute("CREATE ROLE dr_nogrants LOGIN PASSWORD '" + BACKUP_PASSWORD + "'");
        }
        try (Connection c = pg.connect("app"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id serial primary key, body text)");
            st.execute("INSERT INTO notes (body) SELECT md5(g::text) FROM generate_series(1, 3000) g");
            st.execute("CREATE SCHEMA private");
            st.execute("CREATE TABLE private.ledger (id int primary key, amount numeric)");
            st.execute("INSERT INTO private.ledger SELECT g, g * 1.5 FROM generate_series(1, 500) g");
            st.execute("REVOKE ALL ON SCHEMA private FROM PUBLIC");
        }
        // these roles must authenticate with their password (the superuser keeps trust for the test's own checks)
        Path hba = pg.dataDir().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        Files.writeString(hba, "host all dr_admin,dr_backup,dr_nogrants 127.0.0.1/32 scram-sha-256\n" + original);
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    static PgTarget admin(String db) {
        return new PgTarget("127.0.0.1", pg.port(), "dr_admin", Secret.of(ADMIN_PASSWORD), db);
    }

    static PgTarget backupRole(String db) {
        return new PgTarget("127.0.0.1", pg.port(), "dr_backup", Secret.of(BACKUP_PASSWORD), db);
    }

    static long count(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Repository repo(BackupTarget target, RepositoryOptions options) {
        String systemId = PostgresLogicalBackup.builder().target(admin("app")).build().systemId();
        return Repository.openOrInit(target, options, systemId, "postgresql");
    }

    /** Records the command line of every process this JVM starts, while it runs. */
    static final class CommandLineWatcher implements AutoCloseable {
        final Set<String> seen = Collections.synchronizedSet(new LinkedHashSet<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        CommandLineWatcher() {
            thread = new Thread(() -> {
                while (running.get()) {
                    ProcessHandle.current().descendants().forEach(ph -> {
                        try {
                            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(ph.pid()), "cmdline"));
                            if (raw.length > 0) {
                                seen.add(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
                            }
                        } catch (IOException gone) {
                            // the process ended meanwhile
                        }
                    });
                    Thread.onSpinWait();
                }
            }, "cmdline-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    @Test
    void secretsNeverAppearInLogsMessagesToStringOrCommandLines() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger dr4j = (Logger) LoggerFactory.getLogger("io.dr4j");
        Level rootLevel = root.getLevel();
        Level drLevel = dr4j.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        dr4j.setLevel(Level.DEBUG);
        List<String> texts = new ArrayList<>();
        KeyProvider key = KeyProvider.of(REPOSITORY_KEY, "test key");
        RepositoryOptions options = new RepositoryOptions(CodecSpec.DEFAULT, EnvelopeEncryption.with(key));
        try (CommandLineWatcher cmdlines = new CommandLineWatcher()) {
            Repository repo = repo(FileBackupTarget.of(dir.resolve("repo")), options);
            PostgresLogicalBackup source = PostgresLogicalBackup.builder().target(admin("app"))
                    .format(DumpFormat.CUSTOM).build();
            BackupResult r = source.backup(repo, BackupRequest.of(BackupType.LOGICAL));
            PostgresLogicalRestore restore = PostgresLogicalRestore.builder().target(admin("app_copy")).build();
            RestoreResult restored = restore.restore(repo, RestoreRequest.to(dir.resolve("w1")).withBackup(r.id()));
            assertThat(count("app_copy", "SELECT count(*) FROM notes")).isEqualTo(3000);
            BackupResult plain = PostgresLogicalBackup.builder().target(admin("app")).format(DumpFormat.PLAIN).build()
                    .backup(repo, BackupRequest.of(BackupType.LOGICAL));
            PostgresLogicalRestore.builder().target(admin("app_plain")).build()
                    .restore(repo, RestoreRequest.to(dir.resolve("w2")).withBackup(plain.id()));
            assertThat(count("app_plain", "SELECT count(*) FROM private.ledger")).isEqualTo(500);

            // failures on the way: each message must be clear without the secret
            List<Throwable> errors = new ArrayList<>();
            errors.add(catching(() -> restore.restore(repo, RestoreRequest.to(dir.resolve("w3")).withBackup(r.id()))));
            errors.add(catching(() -> PostgresLogicalBackup.builder().target(admin("no_such_db")).build()
                    .backup(repo, BackupRequest.of(BackupType.LOGICAL))));
            errors.add(catching(() -> PostgresLogicalBackup.builder().target(new PgTarget("127.0.0.1", pg.port(),
                    "dr_admin", Secret.of(ADMIN_PASSWORD + "x"), "app")).build().systemId()));
            errors.add(catching(() -> Repository.open(FileBackupTarget.of(dir.resolve("repo")),
                    new RepositoryOptions(CodecSpec.DEFAULT, EnvelopeEncryption.with(KeyProvider.of(
                            KeyProvider.generate(), "other key"))))));
            errors.add(catching(() -> Repository.open(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT)));
            assertThat(errors).allSatisfy(e -> assertThat(e).isNotNull());
            for (Throwable e : errors) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    texts.add(String.valueOf(t.getMessage()));
                    texts.add(t.toString());
                    for (Throwable s : t.getSuppressed()) {
                        texts.add(String.valueOf(s.getMessage()));
                    }
                }
            }
            Collections.addAll(texts, admin("app").toString(), backupRole("app").toString(), Secret.of(ADMIN_PASSWORD)
                    .toString(), REPOSITORY_KEY.toString(), key.toString(), key.describe(), options.toString(),
                    repo.toString(), repo.descriptor().toString(), repo.codec().toString(), source.toString(),
                    restore.toString(), r.toString(), r.manifest().toString(), plain.toString(), restored.toString(),
                    RestoreRequest.to(dir).withBackup(r.id()).toString(), BackupRequest.of(BackupType.LOGICAL).toString(),
                    EnvelopeEncryption.with(key).toString());
            cmdlines.close();
            assertThat(cmdlines.seen).as("the watcher saw the client tools")
                    .anySatisfy(c -> assertThat(c).contains("pg_dump"))
                    .anySatisfy(c -> assertThat(c).contains("pg_restore"))
                    .anySatisfy(c -> assertThat(c).contains("psql"));
            texts.addAll(cmdlines.seen);
            for (ILoggingEvent ev : logs.list) {
                texts.add(ev.getFormattedMessage());
                for (IThrowableProxy t = ev.getThrowableProxy(); t != null; t = t.getCause()) {
                    texts.add(t.getMessage());
                }
            }
            assertThat(logs.list).as("logging was captured").isNotEmpty();
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
            dr4j.setLevel(drLevel);
        }
        String keyB64 = REPOSITORY_KEY.reveal();
        assertThat(texts).as("%d texts checked", texts.size()).hasSizeGreaterThan(40).allSatisfy(t -> assertThat(t)
                .doesNotContain(ADMIN_PASSWORD).doesNotContain(BACKUP_PASSWORD).doesNotContain(keyB64)
                .doesNotContain(keyB64.substring(0, 16)));
        assertThat(String.join("\n", texts)).contains("password set");
    }

    static Throwable catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void aRoleWithTheDocumentedGrantsTakesALogicalBackup() throws Exception {
        Repository repo = repo(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT);
        BackupResult r = PostgresLogicalBackup.builder().target(backupRole("app")).format(DumpFormat.DIRECTORY).jobs(2)
                .build().backup(repo, BackupRequest.of(BackupType.LOGICAL));
        assertThat(r.manifest().files()).extracting(f -> f.path()).contains("globals.sql", "row-counts.json");
        assertThat(new ReadDataVerifier(repo).run().passed()).isTrue();
        PostgresLogicalRestore.builder().target(admin("app_least")).build()
                .restore(repo, RestoreRequest.to(dir.resolve("w")).withBackup(r.id()));
        assertThat(count("app_least", "SELECT count(*) FROM private.ledger")).as("pg_read_all_data reads every schema")
                .isEqualTo(500);
        assertThat(count("app_least", "SELECT count(*) FROM notes")).isEqualTo(3000);

        // without the grants: a clear error that names the missing grant, and no backup
        PgTarget none = new PgTarget("127.0.0.1", pg.port(), "dr_nogrants", Secret.of(BACKUP_PASSWORD), "app");
        assertThatThrownBy(() -> PostgresLogicalBackup.builder().target(none).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL)))
                .hasMessageContaining("GRANT");
        assertThat(repo.catalog().list()).hasSize(1);
    }

    @Test
    void aLogicalBackupUnderTransientFaultsCompletesAndRestores() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 11)
                .inject(Operation.PUT, Fault.ERROR, Trigger.everyNth(2))
                .inject(Operation.PUT, Fault.LOST_ACK, Trigger.everyNth(5))
                .inject(Operation.GET, Fault.BREAK_STREAM, Trigger.probability(0.5))
                .inject(Operation.STAT, Fault.ERROR, Trigger.everyNth(3))
                .inject(Operation.LIST, Fault.ERROR, Trigger.everyNth(3))
                .inject(Operation.DELETE, Fault.ERROR, Trigger.everyNth(2));
        RetryingBackupTarget target = RetryingBackupTarget.builder().maxAttempts(6)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build(faulty);
        Repository repo = repo(target, RepositoryOptions.DEFAULT);
        BackupResult r = PostgresLogicalBackup.builder().target(admin("app")).format(DumpFormat.DIRECTORY).jobs(2).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL));
        PostgresLogicalRestore.builder().target(admin("app_faults")).build()
                .restore(repo, RestoreRequest.to(dir.resolve("w")).withBackup(r.id()));
        assertThat(count("app_faults", "SELECT count(*) FROM notes")).isEqualTo(3000);
        assertThat(faulty.injected(Operation.PUT, Fault.ERROR)).isGreaterThan(3);
        assertThat(faulty.injected(Operation.GET, Fault.BREAK_STREAM)).isGreaterThan(2);
        System.out.println("FIGURE logical backup+restore under transient faults: " + faulty.injectedTotal()
                + " faults injected, " + target.retries() + " retries");
    }

    @Test
    void aLogicalBackupUnderPersistentFaultsFailsCleanlyAndTheNextRunSucceeds() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 12);
        RetryingBackupTarget target = RetryingBackupTarget.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build(faulty);
        Repository repo = repo(target, RepositoryOptions.DEFAULT);
        // the dump is stored, then the store breaks: the globals cannot be written, nothing can be deleted
        faulty.inject(Operation.PUT, Fault.ERROR, Trigger.always(), k -> k.contains("/data/globals.sql"))
                .inject(Operation.DELETE, Fault.ERROR, Trigger.always(), k -> k.startsWith("backups/"));
        PostgresLogicalBackup source = PostgresLogicalBackup.builder().target(admin("app")).format(DumpFormat.CUSTOM)
                .build();
        assertThatThrownBy(() -> source.backup(repo, BackupRequest.of(BackupType.LOGICAL)))
                .isInstanceOf(StorageException.class).hasMessageContaining("globals.sql").hasMessageContaining("failed 3 times");
        assertThat(repo.catalog().list()).as("no visible backup").isEmpty();
        assertThat(repo.catalog().leftovers()).hasSize(1);

        faulty.heal();
        var report = new Expiry(repo, new RetentionPolicy.KeepLast(2), Clock.systemUTC(), Duration.ZERO).run();
        assertThat(report.leftoversRemoved()).hasSize(1);
        assertThat(repo.catalog().leftovers()).isEmpty();
        BackupResult ok = source.backup(repo, BackupRequest.of(BackupType.LOGICAL));
        assertThat(repo.catalog().list()).extracting(BackupManifest::id).containsExactly(ok.id());
        assertThat(new ReadDataVerifier(repo).run().passed()).isTrue();
    }

    @Test
    void aRestoreMeetingACorruptObjectNamesIt() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 13);
        Repository repo = repo(faulty, RepositoryOptions.DEFAULT);
        BackupResult r = PostgresLogicalBackup.builder().target(admin("app")).format(DumpFormat.CUSTOM).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL));
        String dumpKey = r.manifest().files().stream().filter(f -> f.path().startsWith("dump/")).findFirst()
                .orElseThrow().objectKey();
        faulty.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.always(), k -> k.equals(dumpKey));
        assertThatThrownBy(() -> PostgresLogicalRestore.builder().target(admin("app_corrupt")).build()
                .restore(repo, RestoreRequest.to(dir.resolve("w")).withBackup(r.id())))
                .isInstanceOf(io.dr4j.core.codec.IntegrityException.class).hasMessageContaining(dumpKey)
                .hasMessageContaining("corrupt");
        assertThat(count("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'app_corrupt'"))
                .as("the dump is verified before the database is touched: nothing half-restored").isZero();
    }

    @Test
    void aRestoreReadsCorruptObjectsFromTheOtherMirrorAndVerificationReportsTheBadCopy() throws Exception {
        FaultyBackupTarget primary = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("m1")), 17);
        FileBackupTarget second = FileBackupTarget.of(dir.resolve("m2"));
        Repository repo = repo(io.dr4j.core.storage.MirroredBackupTarget.of(primary, second), RepositoryOptions.DEFAULT);
        BackupResult r = PostgresLogicalBackup.builder().target(admin("app")).format(DumpFormat.DIRECTORY).jobs(2).build()
                .backup(repo, BackupRequest.of(BackupType.LOGICAL));
        // every data object of the backup is corrupt (or cut short) on the first mirror
        primary.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.always(), k -> k.contains("/data/"));
        PostgresLogicalRestore.builder().target(admin("app_mirror")).build()
                .restore(repo, RestoreRequest.to(dir.resolve("w")).withBackup(r.id()));
        assertThat(count("app_mirror", "SELECT count(*) FROM notes")).isEqualTo(3000);
        long corruptReads = primary.injected(Operation.GET, Fault.FLIP_BYTE);
        long objects = r.manifest().files().stream().filter(f -> f.objectKey() != null).count();
        long dumpFiles = r.manifest().files().stream().filter(f -> f.objectKey() != null)
                .filter(f -> f.path().startsWith("dump/")).count();
        assertThat(corruptReads).as("every dump object the restore read was corrupt on m1")
                .isGreaterThanOrEqualTo(dumpFiles);
        // the verifier reads both mirrors: the bad copies on m1 are reported, with the mirror's location
        io.dr4j.core.backup.verify.VerificationRecord v = new io.dr4j.core.backup.verify.ReadDataVerifier(repo)
                .includeWal(false).run();
        assertThat(v.passed()).isFalse();
        assertThat(v.problems()).hasSize((int) objects)
                .allSatisfy(p -> assertThat(p).contains("copy on " + primary.location()));
        System.out.println("FIGURE logical restore through the mirror: " + corruptReads + " corrupt reads on the "
                + "first mirror, restore complete; verification reported " + v.problems().size() + " bad copies");
    }
}
