package io.dr4j.postgres.logical;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.type.TypeReference;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Restores logical backups: {@code pg_restore -j N} for directory and custom dumps, {@code psql} for plain SQL, into
 * a new database (created) or an existing one ({@code clean} required: objects are dropped and recreated). Also
 * restores a dump file given by path, such as the DR plan's {@code swe_db_20251109_020000.sql.gz}.
 */
public final class PostgresLogicalRestore implements RestoreStrategy {
    private final PgTarget target;
    private final int jobs;
    private final boolean clean;
    private final boolean globals;
    private final @Nullable Path clientBinDir;
    private final Duration timeout;

    private PostgresLogicalRestore(Builder b) {
        this.target = Objects.requireNonNull(b.target, "target");
        this.jobs = b.jobs;
        this.clean = b.clean;
        this.globals = b.globals;
        this.clientBinDir = b.clientBinDir;
        this.timeout = b.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return "postgres-logical";
    }

    @Override
    public RestoreResult restore(Repository repository, RestoreRequest request) {
        // reports the outcome (duration, a failure's reason) to the repository's event listeners
        return repository.events().observeRestore(id(), request.backupId(), () -> doRestore(repository, request));
    }

    private RestoreResult doRestore(Repository repository, RestoreRequest request) {
        long t0 = System.nanoTime();
        Map<String, Duration> phases = new LinkedHashMap<>();
        BackupManifest m = request.backupId() != null ? repository.catalog().get(request.backupId())
                : repository.catalog().list().stream().filter(b -> b.type() == BackupType.LOGICAL)
                .reduce((a, b) -> b).orElseThrow(() -> new RestoreFailedException("No logical backup in "
                        + repository.target().location() + ". Take one with 'dr backup --type logical'"));
        if (m.type() != BackupType.LOGICAL) {
            throw new RestoreFailedException("Backup " + m.id() + " is a " + m.type().id()
                    + " (physical) backup; restore it with the physical restore (dr restore --to DIR)");
        }
        DumpFormat format = DumpFormat.parse(m.property("format").orElse("directory"));
        int dumpMajor = Integer.parseInt(m.property("pgDumpVersion").orElse("0"));
        Path work = request.destination();
        try {
            if (Files.exists(work) && Files.list(work).findAny().isPresent()) {
                throw new RestoreFailedException("Working directory " + work + " is not empty; give an empty or new "
                        + "directory for the downloaded dump");
            }
            ClientTools tools;
            int serverMajor;
            try (Connection c = PostgresLogicalBackup.connect(target.withDatabase("postgres"))) {
                serverMajor = PgInfo.serverMajor(c);
                tools = ClientTools.forServer(Math.max(serverMajor, dumpMajor), clientBinDir);
            }
            // download and verify every object first (Repository.readVerified: a corrupt or missing copy falls back
            // to the next mirror), so that nothing reaches the database unless the whole dump is intact
            long td = System.nanoTime();
            Files.createDirectories(work);
            long bytes = 0;
            Path globalsFile = null;
            if (globals) {
                BackupFile g = find(m, PostgresLogicalBackup.GLOBALS);
                if (g != null) {
                    globalsFile = work.resolve(GLOBALS_FILE);
                    fetchVerified(repository, g, request, globalsFile);
                }
            }
            Path sqlFile = work.resolve(SQL_FILE);
            Path dumpDir = work.resolve("dump");
            switch (format) {
                case PLAIN -> {
                    BackupFile f = m.files().stream().filter(x -> x.path().endsWith(".sql")).findFirst().orElseThrow(
                            () -> new RestoreFailedException("Backup " + m.id() + " holds no SQL dump"));
                    fetchVerified(repository, f, request, sqlFile);
                    bytes = f.size();
                }
                case CUSTOM, DIRECTORY -> {
                    Files.createDirectories(dumpDir);
                    for (BackupFile f : m.files()) {
                        if (f.path().startsWith("dump/") && f.objectKey() != null) {
                            Path out = dumpDir.resolve(f.path().substring(5)).normalize();
                            if (!out.startsWith(dumpDir)) {
                                throw new RestoreFailedException("Manifest entry " + f.path() + " points outside the dump");
                            }
                            fetchVerified(repository, f, request, out);
                            bytes += f.size();
                        }
                    }
                }
            }
            phases.put("download", Duration.ofNanos(System.nanoTime() - td));
            long tp = System.nanoTime();
            try (Connection c = PostgresLogicalBackup.connect(target.withDatabase("postgres"))) {
                prepareDatabase(c, format);
            }
            phases.put("prepare", Duration.ofNanos(System.nanoTime() - tp));
            td = System.nanoTime();
            if (globalsFile != null) {
                try (InputStream in = Files.newInputStream(globalsFile)) {
                    runPsql(tools, in, false);
                }
            }
            if (format == DumpFormat.PLAIN) {
                try (InputStream in = Files.newInputStream(sqlFile)) {
                    runPsql(tools, in, true);
                }
            } else {
                Path archive = format == DumpFormat.CUSTOM ? dumpDir.resolve("dump.custom") : dumpDir;
                runPgRestore(tools, archive, format == DumpFormat.CUSTOM ? "c" : "d", request.effectiveParallelism());
            }
            phases.put("restore", Duration.ofNanos(System.nanoTime() - td));
            return new RestoreResult(m.id(), work, null, m.startedAt(), null, bytes,
                    m.files().size(), phases, Duration.ofNanos(System.nanoTime() - t0),
                    Map.of("database", target.database(), "format", format.id()));
        } catch (SQLException e) {
            throw new RestoreFailedException(PgInfo.connectionFailure(target, e).getMessage(), e);
        } catch (IOException e) {
            throw new RestoreFailedException("Logical restore into " + target + " failed: " + e.getMessage(), e);
        } finally {
            PostgresLogicalBackup.deleteTree(work.resolve("dump"));
            try {
                Files.deleteIfExists(work.resolve(SQL_FILE));
                Files.deleteIfExists(work.resolve(GLOBALS_FILE));
            } catch (IOException e) {
                // best effort: the working directory is the caller's
            }
        }
    }

    private static final String SQL_FILE = "dump.sql";
    private static final String GLOBALS_FILE = "globals.sql";

    /**
     * Copies one object of the backup to {@code out}, verified (size and CRC-32C, or SHA-256:
     * {@link RestoreRequest#CHECKSUM}); a copy that is missing or corrupt on one mirror is read from the next
     * ({@link Repository#readVerified}).
     */
    private static void fetchVerified(Repository repository, BackupFile f, RestoreRequest request, Path out) {
        String key = java.util.Objects.requireNonNull(f.objectKey(), f.path());
        repository.readVerified(new io.dr4j.core.backup.StoredObject(key, f.sha256(), request.crc32cToCheck(f),
                f.size(), f.storedSize()), in -> {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return null;
        });
    }

    private static @Nullable BackupFile find(BackupManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElse(null);
    }

    /** Creates the database, or checks that replacing its objects was asked for. */
    private void prepareDatabase(Connection c, DumpFormat format) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, target.database());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        if (exists && !clean) {
            throw new RestoreFailedException("Database '" + target.database() + "' already exists at " + target.host()
                    + ":" + target.port() + ". Restore with --clean to replace its contents, or into another "
                    + "database; nothing was changed");
        }
        try (Statement st = c.createStatement()) {
            if (exists && format == DumpFormat.PLAIN) {
                // a plain dump recreates objects: start from an empty database
                st.execute("DROP DATABASE " + PgInfo.quote(target.database())
                        + (PgInfo.serverMajor(c) >= 13 ? " WITH (FORCE)" : ""));
                exists = false;
            }
            if (!exists) {
                st.execute("CREATE DATABASE " + PgInfo.quote(target.database()));
            }
        }
    }

    private void runPgRestore(ClientTools tools, Path archive, String fmt, int parallel) {
        List<String> cmd = new ArrayList<>(List.of(tools.tool("pg_restore").toString(), "-F", fmt,
                "-j", Integer.toString(jobs > 0 ? jobs : parallel), "--no-password", "--exit-on-error",
                "-d", target.database()));
        if (clean) {
            cmd.add("--clean");
            cmd.add("--if-exists");
        }
        cmd.add(archive.toString());
        try (ToolProcess p = ToolProcess.start(cmd, target.toolEnvironment(), null)) {
            p.stdin().close();
            p.stdout().transferTo(OutputStream.nullOutputStream());
            p.waitOk(timeout);
        } catch (IOException e) {
            throw new RestoreFailedException("pg_restore failed: " + e.getMessage(), e);
        }
    }

    private void runPsql(ClientTools tools, InputStream sql, boolean stopOnError) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tools.tool("psql").toString(), "-X", "-q", "--no-password",
                "-d", target.database()));
        if (stopOnError) {
            cmd.add("-v");
            cmd.add("ON_ERROR_STOP=1");
        }
        try (ToolProcess p = ToolProcess.start(cmd, target.toolEnvironment(), null)) {
            Thread drain = new Thread(() -> {
                try {
                    p.stdout().transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // ended
                }
            }, "dr4j-psql-stdout");
            drain.setDaemon(true);
            drain.start();
            try (OutputStream in = p.stdin()) {
                sql.transferTo(in);
            } catch (IOException e) {
                // psql stopped reading: its exit code and stderr say why
            }
            p.waitOk(timeout);
        }
    }

    /**
     * Restores a dump file given by path: plain SQL ({@code .sql} or {@code .sql.gz}), a custom-format archive
     * (plain or gzipped) or a directory-format dump.
     */
    public RestoreResult restoreFile(Path file) {
        long t0 = System.nanoTime();
        if (!Files.exists(file)) {
            throw new RestoreFailedException("Dump file " + file + " does not exist");
        }
        try (Connection c = PostgresLogicalBackup.connect(target.withDatabase("postgres"))) {
            ClientTools tools = ClientTools.forServer(PgInfo.serverMajor(c), clientBinDir);
            if (Files.isDirectory(file)) {
                if (!Files.exists(file.resolve("toc.dat"))) {
                    throw new RestoreFailedException(file + " is a directory but not a pg_dump directory-format dump "
                            + "(no toc.dat)");
                }
                prepareDatabase(c, DumpFormat.DIRECTORY);
                runPgRestore(tools, file, "d", Runtime.getRuntime().availableProcessors());
            } else {
                byte[] head;
                try (InputStream in = Files.newInputStream(file)) {
                    head = in.readNBytes(2);
                }
                boolean gzip = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
                try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                     InputStream in = new BufferedInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16)) {
                    in.mark(16);
                    byte[] magic = in.readNBytes(5);
                    in.reset();
                    String m = new String(magic, java.nio.charset.StandardCharsets.US_ASCII);
                    if (m.equals("PGDMP")) {
                        Path tmp = Files.createTempFile("dr4j-restore-", ".custom");
                        try {
                            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                            prepareDatabase(c, DumpFormat.CUSTOM);
                            runPgRestore(tools, tmp, "c", Runtime.getRuntime().availableProcessors());
                        } finally {
                            Files.deleteIfExists(tmp);
                        }
                    } else if (looksLikeSql(magic)) {
                        prepareDatabase(c, DumpFormat.PLAIN);
                        runPsql(tools, in, true);
                    } else {
                        throw new RestoreFailedException(file + " is not a PostgreSQL dump (neither SQL text nor a "
                                + "pg_dump archive" + (gzip ? " inside the gzip" : "") + ")");
                    }
                } catch (java.util.zip.ZipException e) {
                    throw new RestoreFailedException(file + " is not a valid gzip file: " + e.getMessage(), e);
                }
            }
            return new RestoreResult(file.getFileName().toString(), file, null, null, null, Files.size(file), 1,
                    Map.of("restore", Duration.ofNanos(System.nanoTime() - t0)), Duration.ofNanos(System.nanoTime() - t0),
                    Map.of("database", target.database()));
        } catch (SQLException e) {
            throw new RestoreFailedException(PgInfo.connectionFailure(target, e).getMessage(), e);
        } catch (IOException e) {
            throw new RestoreFailedException("Restore of " + file + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeSql(byte[] head) {
        if (head.length == 0) {
            return false;
        }
        for (byte b : head) {
            if (b == 0 || (b < 0x09) || (b > 0x0d && b < 0x20 && b != 0x1b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares the row counts recorded at backup time with the restored database; returns the differences
     * ({@code schema.table: expected N, found M}), empty when every table matches.
     */
    public List<String> compareRowCounts(Repository repository, BackupManifest backup) {
        BackupFile f = find(backup, PostgresLogicalBackup.ROW_COUNTS);
        if (f == null) {
            return List.of("Backup " + backup.id() + " recorded no row counts");
        }
        Map<String, Long> expected;
        try (InputStream in = repository.read(f.objectKey(), f.sha256(), f.size())) {
            expected = Json.mapper().readValue(in, new TypeReference<Map<String, Long>>() { });
        } catch (IOException e) {
            throw new RestoreFailedException("Row counts of " + backup.id() + " are unreadable: " + e.getMessage(), e);
        }
        try (Connection c = PostgresLogicalBackup.connect(target)) {
            Map<String, Long> actual = PgInfo.exactRowCounts(c);
            List<String> diffs = new ArrayList<>();
            expected.forEach((t, n) -> {
                Long a = actual.get(t);
                if (!n.equals(a)) {
                    diffs.add(t + ": expected " + n + " rows, found " + (a == null ? "no table" : a));
                }
            });
            return diffs;
        } catch (SQLException e) {
            throw new RestoreFailedException(PgInfo.connectionFailure(target, e).getMessage(), e);
        }
    }

    /** Builds a logical restore. */
    public static final class Builder {
        private @Nullable PgTarget target;
        private int jobs;
        private boolean clean;
        private boolean globals;
        private @Nullable Path clientBinDir;
        private Duration timeout = Duration.ofHours(24);

        /** Where to restore: the database named here is created when missing. */
        public Builder target(PgTarget t) {
            this.target = t;
            return this;
        }

        public Builder jobs(int n) {
            this.jobs = n;
            return this;
        }

        /** Replace the contents of an existing database. */
        public Builder clean(boolean b) {
            this.clean = b;
            return this;
        }

        /** Also restore roles and tablespaces (pg_dumpall --globals-only). */
        public Builder globals(boolean b) {
            this.globals = b;
            return this;
        }

        public Builder clientBinDir(@Nullable Path dir) {
            this.clientBinDir = dir;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public PostgresLogicalRestore build() {
            return new PostgresLogicalRestore(this);
        }
    }
}
