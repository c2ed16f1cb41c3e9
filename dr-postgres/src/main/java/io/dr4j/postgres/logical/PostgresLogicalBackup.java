package io.dr4j.postgres.logical;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.dr4j.core.Progress;
import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupSource;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical backups with {@code pg_dump}: directory format in parallel ({@code -Fd -j N}, each table file compressed and
 * uploaded while pg_dump writes it, so local disk holds only the files being written), custom format streamed straight
 * into the repository, or plain SQL as a gzip file like the DR plan's {@code swe_db_YYYYMMDD_HHMMSS.sql.gz}.
 * pg_dump's own compression is off: the repository codec compresses (and encrypts). Roles and tablespaces come
 * from {@code pg_dumpall --globals-only}. Exact row counts of every table are recorded in the same snapshot as the
 * dump (counted while pg_dump runs), so a test restore can prove it got every row back.
 */
public final class PostgresLogicalBackup implements BackupSource {
    private static final Logger log = LoggerFactory.getLogger(PostgresLogicalBackup.class);
    private static final DateTimeFormatter SEED_NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    static final String ROW_COUNTS = "row-counts.json";
    static final String GLOBALS = "globals.sql";

    private final PgTarget target;
    private final DumpFormat format;
    private final int jobs;
    private final @Nullable Path clientBinDir;
    private final boolean globals;
    private final boolean rowCounts;
    private final Path spoolDir;
    private final Duration timeout;

    private PostgresLogicalBackup(Builder b) {
        this.target = Objects.requireNonNull(b.target, "target");
        this.format = b.format;
        this.jobs = b.jobs;
        this.clientBinDir = b.clientBinDir;
        this.globals = b.globals;
        this.rowCounts = b.rowCounts;
        this.spoolDir = b.spoolDir != null ? b.spoolDir : Path.of(System.getProperty("java.io.tmpdir"));
        this.timeout = b.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public String systemId() {
        try (Connection c = connect(target)) {
            return PgInfo.systemId(c);
        } catch (SQLException e) {
            throw PgInfo.connectionFailure(target, e);
        }
    }

    static Connection connect(PgTarget t) throws SQLException {
        return DriverManager.getConnection(t.jdbcUrl(), t.jdbcProperties());
    }

    @Override
    public BackupResult backup(Repository repository, BackupRequest request) {
        // reports the outcome (with a failure's reason) to the repository's event listeners
        return repository.events().observeBackup(request.type(), () -> takeBackup(repository, request));
    }

    private BackupResult takeBackup(Repository repository, BackupRequest request) {
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        Map<String, Duration> phases = new LinkedHashMap<>();
        String id = BackupId.generate(started, BackupType.LOGICAL);
        try (Connection c = connect(target)) {
            repository.checkSystem(PgInfo.systemId(c));
            int serverMajor = PgInfo.serverMajor(c);
            ClientTools tools = ClientTools.forServer(serverMajor, clientBinDir);
            c.setAutoCommit(false);
            String snapshot;
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
            }
            phases.put("snapshot", Duration.ofNanos(System.nanoTime() - t0));
            // counted in the exported snapshot on this connection while pg_dump reads the same snapshot
            CompletableFuture<Map<String, Long>> counting = rowCounts ? countRows(c) : CompletableFuture.completedFuture(Map.of());
            try (BackupSession session = repository.catalog().begin(id)) {
                List<BackupFile> files = Collections.synchronizedList(new ArrayList<>());
                AtomicLong bytes = new AtomicLong();
                long tDump = System.nanoTime();
                try {
                    switch (format) {
                        case CUSTOM -> files.add(streamDump(session, tools, snapshot, List.of("-Fc", "-Z0"), "dump.custom",
                                streamCodec(repository, request), request, bytes, t0));
                        case PLAIN -> files.add(streamDump(session, tools, snapshot, List.of("-Fp"),
                                target.database() + "_" + SEED_NAME.format(started) + ".sql",
                                CodecSpec.of(Compression.GZIP), request, bytes, t0));
                        case DIRECTORY -> files.addAll(directoryDump(session, tools, snapshot, request, bytes, t0));
                    }
                } catch (RuntimeException | IOException e) {
                    // a failed count (e.g. no SELECT privilege) aborts the snapshot's transaction, so pg_dump fails
                    // too, later and less clearly: report the count's error
                    failedCount(counting);
                    throw e;
                }
                phases.put("dump", Duration.ofNanos(System.nanoTime() - tDump));
                Map<String, Long> counts = awaitCounts(counting);
                c.commit(); // the snapshot may end now
                if (globals) {
                    long tg = System.nanoTime();
                    files.add(globalsDump(session, tools));
                    phases.put("globals", Duration.ofNanos(System.nanoTime() - tg));
                }
                if (rowCounts) {
                    StoredObject o = session.writeFile(ROW_COUNTS, new java.io.ByteArrayInputStream(Json.write(counts)));
                    files.add(file(ROW_COUNTS, o));
                }
                Map<String, String> props = new LinkedHashMap<>();
                props.put("format", format.id());
                props.put("database", target.database());
                props.put("serverVersion", PgInfo.serverVersionNum(c));
                props.put("serverMajor", Integer.toString(serverMajor));
                props.put("pgDumpVersion", Integer.toString(tools.majorVersion()));
                props.put("tables", Integer.toString(counts.size()));
                props.put("consistentAt", started.toString());
                long size = files.stream().mapToLong(BackupFile::size).sum();
                long stored = files.stream().mapToLong(BackupFile::storedSize).sum();
                List<BackupFile> sorted = new ArrayList<>(files);
                sorted.sort(java.util.Comparator.comparing(BackupFile::path));
                BackupManifest m = session.commit(new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupType.LOGICAL,
                        null, repository.descriptor().systemId(), "postgresql", started, Instant.now(), props,
                        request.labels(), sorted, size, stored));
                return new BackupResult(m, phases, Duration.ofNanos(System.nanoTime() - t0), List.of());
            }
        } catch (SQLException e) {
            throw PgInfo.connectionFailure(target, e);
        } catch (IOException e) {
            throw new BackupFailedException("Logical backup of " + target + " failed: " + e.getMessage()
                    + "; no backup was stored", e);
        }
    }

    /**
     * One stream is compressed in one thread unless zstd gets workers: the custom format's single pg_dump stream
     * then compresses on N threads beside the thread reading pg_dump (same format, any zstd reads it).
     */
    private @Nullable CodecSpec streamCodec(Repository repository, BackupRequest request) {
        CodecSpec spec = repository.codec().spec();
        int n = jobs > 0 ? jobs : request.effectiveParallelism();
        return spec.compression() == Compression.ZSTD && spec.workers() == 0 && n > 1 ? spec.withWorkers(n) : null;
    }

    private static BackupFile file(String path, StoredObject o) {
        return BackupFile.stored(path, o, null, 0600, null);
    }

    private List<String> dumpCommand(ClientTools tools, String snapshot, List<String> formatArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tools.tool("pg_dump").toString());
        cmd.addAll(formatArgs);
        cmd.add("--snapshot=" + snapshot);
        cmd.add("--no-password");
        return cmd;
    }

    private BackupFile streamDump(BackupSession session, ClientTools tools, String snapshot, List<String> formatArgs,
                                  String name, @Nullable CodecSpec codec, BackupRequest request, AtomicLong bytes,
                                  long t0) throws IOException {
        List<String> cmd = dumpCommand(tools, snapshot, formatArgs);
        try (ToolProcess p = ToolProcess.start(cmd, target.toolEnvironment(), null);
             var sink = codec == null ? session.newFile("dump/" + name)
                     : session.repository().newObject(session.dataKey("dump/" + name), WriteOptions.createNew(), codec)) {
            p.stdin().close();
            byte[] buf = new byte[256 * 1024];
            try (InputStream in = p.stdout()) {
                int n;
                long last = 0;
                while ((n = in.read(buf)) > 0) {
                    sink.write(buf, 0, n);
                    long b = bytes.addAndGet(n);
                    if (b - last > 8 << 20) {
                        last = b;
                        request.progress().onProgress(new Progress("backup", "dump", b, -1, 0, -1,
                                Duration.ofNanos(System.nanoTime() - t0)));
                    }
                }
            }
            p.waitOk(timeout);
            StoredObject o = sink.commit();
            return file("dump/" + name, o);
        }
    }

    private static CompletableFuture<Map<String, Long>> countRows(Connection c) {
        CompletableFuture<Map<String, Long>> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(PgInfo.exactRowCounts(c));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "dr4j-row-counts");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static void failedCount(CompletableFuture<Map<String, Long>> counting) throws SQLException {
        try {
            counting.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            awaitCounts(counting);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            // still counting: the dump's own error stands
        }
    }

    private static Map<String, Long> awaitCounts(CompletableFuture<Map<String, Long>> counting) throws SQLException {
        try {
            return counting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("Logical backup was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            throw new BackupFailedException("Counting the rows of the dump's snapshot failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * pg_dump -Fd -j N into a spool directory. Each data file is compressed and uploaded by one of N threads while
     * pg_dump is still writing it (read as it grows, finished once no pg_dump process holds it open), and deleted
     * once stored, so the spool holds at most the files being written and the upload keeps pace with the dump.
     * {@code toc.dat} (rewritten at the end) goes last, after pg_dump exited.
     */
    private List<BackupFile> directoryDump(BackupSession session, ClientTools tools, String snapshot,
                                           BackupRequest request, AtomicLong bytes, long t0) throws IOException {
        int n = jobs > 0 ? jobs : request.effectiveParallelism();
        Path spool = Files.createTempDirectory(Files.createDirectories(spoolDir), "dr4j-dump-");
        Path out = spool.resolve("dump");
        Map<String, Future<BackupFile>> uploads = new LinkedHashMap<>();
        // zstd compresses each file on a worker thread of its own, beside the thread reading and hashing it
        CodecSpec spec = session.repository().codec().spec();
        CodecSpec fileCodec = spec.compression() == Compression.ZSTD && spec.workers() == 0 ? spec.withWorkers(1) : null;
        AtomicBoolean exited = new AtomicBoolean();
        AtomicBoolean aborted = new AtomicBoolean();
        // twice pg_dump's jobs: an upload that caught up with pg_dump waits without using a core, and the next file
        // must not wait for it
        ExecutorService pool = Executors.newFixedThreadPool(2 * n, r -> {
            Thread t = new Thread(r, "dr4j-dump-upload");
            t.setDaemon(true);
            return t;
        });
        try (ToolProcess p = ToolProcess.start(dumpCommand(tools, snapshot,
                List.of("-Fd", "-Z0", "-j", Integer.toString(n), "-f", out.toString())), target.toolEnvironment(), null)) {
            p.stdin().close();
            OpenFilesCache open = new OpenFilesCache(p.process().toHandle());
            while (p.process().isAlive()) {
                startUploads(session, fileCodec, out, uploads, pool, false, f -> exited.get() || !open.contains(f), aborted,
                        request, bytes, t0);
                failFast(uploads);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackupFailedException("Logical backup was interrupted", e);
                }
            }
            p.waitOk(timeout);
            exited.set(true);
            startUploads(session, fileCodec, out, uploads, pool, true, f -> true, aborted, request, bytes, t0);
            List<BackupFile> files = new ArrayList<>();
            for (Future<BackupFile> f : uploads.values()) {
                files.add(result(f));
            }
            return files;
        } finally {
            aborted.set(true);
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(spool);
        }
    }

    private void startUploads(BackupSession session, @Nullable CodecSpec fileCodec, Path dir,
                              Map<String, Future<BackupFile>> uploads, ExecutorService pool, boolean all, Predicate<Path> writerDone, AtomicBoolean aborted,
                              BackupRequest request, AtomicLong bytes, long t0) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> found = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(found::add);
        }
        found.sort(null);
        for (Path f : found) {
            String name = f.getFileName().toString();
            // toc.dat is rewritten at the end: only upload it when pg_dump has exited
            if (uploads.containsKey(name) || (!all && name.equals("toc.dat"))) {
                continue;
            }
            Path abs = f.toAbsolutePath();
            uploads.put(name, pool.submit(() -> {
                long started = System.nanoTime();
                StoredObject o;
                try (InputStream in = new GrowingFileInputStream(f, () -> writerDone.test(abs), aborted::get);
                     var sink = fileCodec == null ? session.newFile("dump/" + name) : session.repository()
                             .newObject(session.dataKey("dump/" + name), WriteOptions.createNew(), fileCodec)) {
                    byte[] buf = new byte[256 * 1024];
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        sink.write(buf, 0, r);
                    }
                    o = sink.commit();
                }
                long size = Files.size(f);
                if (o.size() != size) {
                    throw new BackupFailedException("Dump file " + name + " changed while it was uploaded");
                }
                Files.delete(f);
                log.debug("Dump file {} stored: {} bytes ({} stored) in {} ms, streamed while pg_dump wrote it", name,
                        size, o.storedSize(), (System.nanoTime() - started) / 1_000_000);
                long b = bytes.addAndGet(size);
                request.progress().onProgress(new Progress("backup", "dump", b, -1, 0, -1,
                        Duration.ofNanos(System.nanoTime() - t0)));
                return file("dump/" + name, o);
            }));
        }
    }

    private static void failFast(Map<String, Future<BackupFile>> uploads) throws IOException {
        for (Future<BackupFile> f : uploads.values()) {
            if (f.isDone()) {
                result(f);
            }
        }
    }

    private static BackupFile result(Future<BackupFile> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("Logical backup was interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new BackupFailedException("Uploading a dump file failed: " + c, c);
        }
    }

    /** {@link OpenFiles} of pg_dump's process tree, re-read at most every 20 ms however many uploads ask. */
    private static final class OpenFilesCache {
        private final ProcessHandle root;
        private Set<Path> open = Set.of();
        private long readAt;

        OpenFilesCache(ProcessHandle root) {
            this.root = root;
        }

        synchronized boolean contains(Path file) {
            long now = System.nanoTime();
            if (readAt == 0 || now - readAt > 20_000_000L) {
                open = OpenFiles.of(root);
                readAt = System.nanoTime();
            }
            return open.contains(file);
        }
    }

    private BackupFile globalsDump(BackupSession session, ClientTools tools) throws IOException {
        List<String> cmd = List.of(tools.tool("pg_dumpall").toString(), "--globals-only", "--no-password",
                "-l", "postgres");
        Map<String, String> env = target.toolEnvironment();
        try (ToolProcess p = ToolProcess.start(cmd, env, null); var sink = session.newFile(GLOBALS)) {
            p.stdin().close();
            try (InputStream in = p.stdout()) {
                in.transferTo(sink);
            }
            try {
                p.waitOk(timeout);
            } catch (RuntimeException e) {
                if (p.stderr().contains("permission denied")) {
                    log.warn("Roles were not dumped: {}. Grant the backup role pg_read_all_settings or run the "
                            + "globals dump as a superuser", p.stderr());
                    sink.close();
                    return retryWithoutPasswords(session, tools);
                }
                throw e;
            }
            return file(GLOBALS, sink.commit());
        }
    }

    private BackupFile retryWithoutPasswords(BackupSession session, ClientTools tools) throws IOException {
        List<String> cmd = List.of(tools.tool("pg_dumpall").toString(), "--globals-only", "--no-role-passwords",
                "--no-password", "-l", "postgres");
        try (ToolProcess p = ToolProcess.start(cmd, target.toolEnvironment(), null); var sink = session.newFile(GLOBALS)) {
            p.stdin().close();
            try (InputStream in = p.stdout()) {
                in.transferTo(sink);
            }
            p.waitOk(timeout);
            return file(GLOBALS, sink.commit());
        }
    }

    static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Builds a logical backup source. */
    public static final class Builder {
        private @Nullable PgTarget target;
        private DumpFormat format = DumpFormat.DIRECTORY;
        private int jobs;
        private @Nullable Path clientBinDir;
        private boolean globals = true;
        private boolean rowCounts = true;
        private @Nullable Path spoolDir;
        private Duration timeout = Duration.ofHours(24);

        public Builder target(PgTarget t) {
            this.target = t;
            return this;
        }

        public Builder format(DumpFormat f) {
            this.format = Objects.requireNonNull(f, "format");
            return this;
        }

        /** pg_dump -j for the directory format; 0 = the request's parallelism. */
        public Builder jobs(int n) {
            this.jobs = n;
            return this;
        }

        public Builder clientBinDir(@Nullable Path dir) {
            this.clientBinDir = dir;
            return this;
        }

        public Builder globals(boolean b) {
            this.globals = b;
            return this;
        }

        /** Record exact row counts per table in the dump's snapshot (reads every table once more). */
        public Builder rowCounts(boolean b) {
            this.rowCounts = b;
            return this;
        }

        /** Where the directory format's files wait for upload (default: the temp dir). */
        public Builder spoolDir(Path dir) {
            this.spoolDir = dir;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public PostgresLogicalBackup build() {
            return new PostgresLogicalBackup(this);
        }
    }
}
