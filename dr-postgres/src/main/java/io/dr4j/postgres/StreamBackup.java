package io.dr4j.postgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.postgres.backup.FileUploader;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Stream mode: {@code pg_basebackup -Ft -X none -D -} over a replication connection (password in
 * {@code PGPASSWORD}, never argv); the tar on its stdout is split into one object per file as it arrives.
 */
final class StreamBackup {
    private static final Pattern STOP = Pattern.compile("STOP WAL LOCATION: ([0-9A-F]+/[0-9A-F]+)");
    private static final Pattern END = Pattern.compile("write-ahead log end point: ([0-9A-F]+/[0-9A-F]+)");

    private final PostgresCluster cluster;
    private final PostgresBinaries tools;
    private final FileUploader uploader;
    private final PostgresBackupSource.Run run;
    private final io.dr4j.core.backup.Repository repository;
    private final long segSize;

    StreamBackup(PostgresCluster cluster, PostgresBinaries tools, FileUploader uploader, PostgresBackupSource.Run run,
                 io.dr4j.core.backup.Repository repository, long segSize) {
        this.repository = repository;
        this.segSize = segSize;
        this.cluster = cluster;
        this.tools = tools;
        this.uploader = uploader;
        this.run = run;
    }

    private long manifestEnd = -1;
    private boolean sawManifest;
    /** Files up to this size are buffered and stored in parallel; larger ones stream through. */
    private static final long SMALL = 1 << 20;
    private int parallelism = 1;

    StreamBackup parallelism(int p) {
        this.parallelism = Math.max(1, p);
        return this;
    }

    private static void acquire(java.util.concurrent.Semaphore s) {
        try {
            s.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("Backup interrupted", e);
        }
    }

    /** The End-LSN of the backup manifest's WAL-Ranges, read line by line (the manifest can be large). */
    private static long endLsnFromManifest(InputStream entry) throws IOException {
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(entry, StandardCharsets.UTF_8));
        Pattern end = Pattern.compile("\"End-LSN\"\\s*:\\s*\"([0-9A-F]+/[0-9A-F]+)\"");
        long lsn = -1;
        String line;
        while ((line = r.readLine()) != null) {
            Matcher m = end.matcher(line);
            while (m.find()) {
                lsn = Math.max(lsn, Lsn.parse(m.group(1)));
            }
        }
        return lsn;
    }

    void run(String id) throws IOException {
        List<String> cmd = List.of(tools.tool("pg_basebackup").toString(), "-D", "-", "-Ft", "-X", "none",
                "-c", "fast", "-l", "dr4j " + id, "-v", "-w", "--manifest-checksums=NONE");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.putAll(cluster.libpqEnvironment());
        Process p = pb.start();
        StringBuilder err = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try (InputStream e = p.getErrorStream()) {
                byte[] b = e.readAllBytes();
                synchronized (err) {
                    err.append(new String(b, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "dr4j-pg_basebackup-stderr");
        errReader.setDaemon(true);
        errReader.start();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "dr4j-stream-backup");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(2 * parallelism);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        String current = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
            TarArchiveEntry e;
            while ((e = nextEntry(tar, current)) != null) {
                // unsafe names, links, types and sizes are refused before anything of the entry is stored
                String rel = io.dr4j.postgres.reliability.StreamTarEntries.check(e);
                current = rel;
                int mode = e.getMode() & 07777;
                Instant mtime = e.getModTime().toInstant();
                if (e.isDirectory()) {
                    run.files.add(BackupFile.directory(rel, mode));
                } else if (e.isSymbolicLink()) {
                    run.files.add(BackupFile.link(rel, e.getLinkName()));
                } else if (rel.equals("backup_label")) {
                    run.labelFile = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                } else if (rel.equals("backup_manifest")) {
                    manifestEnd = endLsnFromManifest(tar);
                    sawManifest = true;
                } else if (rel.equals("tablespace_map")) {
                    run.spcmapFile = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                } else if (e.isFile() && e.getSize() <= SMALL) {
                    // small files: read into memory (bounded) and stored by parallel workers
                    byte[] data = tar.readNBytes((int) e.getSize());
                    String r = rel;
                    acquire(slots);
                    try {
                        futures.add(pool.submit(() -> {
                            try {
                                run.files.add(uploader.uploadBytes(r, data, data.length, mtime, mode));
                            } finally {
                                slots.release();
                            }
                            return null;
                        }));
                    } catch (RuntimeException ex) {
                        slots.release();
                        throw ex;
                    }
                } else if (e.isFile()) {
                    run.files.add(uploader.uploadStream(rel, tar, mtime, mode));
                }
            }
            tar.transferTo(OutputStreamNull.INSTANCE);
            for (java.util.concurrent.Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException ex) {
                    Throwable c = ex.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw c instanceof IOException io ? io : new IOException(c);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new BackupFailedException("Backup interrupted", ex);
                }
            }
            uploader.deletePending();
        } catch (IOException | RuntimeException ex) {
            p.destroyForcibly();
            if (ex instanceof IOException && isTarFailure(ex)) {
                throw io.dr4j.postgres.reliability.StreamTarEntries.truncated(current, ex);
            }
            throw ex;
        } finally {
            pool.shutdownNow();
            awaitWorkers(pool);
        }
        int rc;
        try {
            rc = p.waitFor();
            errReader.join(10_000);
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BackupFailedException("Backup interrupted", ex);
        }
        String stderr;
        synchronized (err) {
            stderr = err.toString();
        }
        if (rc != 0) {
            String hint = stderr.contains("password authentication failed") || stderr.contains("no password supplied")
                    ? " Check the password (PGPASSWORD or .pgpass)."
                    : stderr.contains("replication connection") || stderr.contains("pg_hba.conf")
                    ? " The role needs REPLICATION and a 'host replication' line in pg_hba.conf." : "";
            throw new BackupFailedException("pg_basebackup failed (exit " + rc + "): " + stderr.strip() + hint);
        }
        if (!sawManifest) {
            // pg_basebackup sends backup_manifest last; a tar reader takes a stream cut at a header for its end
            throw io.dr4j.postgres.reliability.StreamTarEntries.truncated(current, new IOException(
                    "the stream ended before backup_manifest, the last entry pg_basebackup sends"));
        }
        if (run.labelFile == null) {
            throw new BackupFailedException("pg_basebackup sent no backup_label: " + stderr.strip());
        }
        BackupLabel label = BackupLabel.parse(run.labelFile);
        run.startLsn = label.startLsn();
        run.timeline = label.timeline();
        Matcher m = END.matcher(stderr);
        run.stopLsn = m.find() ? Lsn.parse(m.group(1)) : manifestEnd >= 0 ? manifestEnd : stopFromHistoryFile(label);
        List<String> checksumWarnings = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.contains("checksum verification failed") || line.contains("checksum mismatch")) {
                checksumWarnings.add(line.strip());
            }
        }
        run.warnings.addAll(checksumWarnings);
    }

    /**
     * The backup's stop LSN from the backup history file the server writes to pg_wal
     * ({@code <start segment>.<offset>.backup}, "STOP WAL LOCATION"): read locally, through SQL, or from the archive.
     */
    private long stopFromHistoryFile(BackupLabel label) {
        long seg = Lsn.segmentOf(label.startLsn(), segSize);
        String name = Lsn.segmentName(label.timeline(), seg, segSize) + "."
                + String.format(java.util.Locale.ROOT, "%08X", label.startLsn() % segSize) + ".backup";
        String text = null;
        var local = cluster.dataDir().map(d -> d.resolve("pg_wal").resolve(name)).filter(java.nio.file.Files::isReadable);
        try {
            if (local.isPresent()) {
                text = java.nio.file.Files.readString(local.get());
            }
        } catch (IOException ignored) {
            // try the server
        }
        if (text == null) {
            try (var c = cluster.connect(); var ps = c.prepareStatement("select pg_read_file(?)")) {
                ps.setString(1, "pg_wal/" + name);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    text = rs.getString(1);
                }
            } catch (java.sql.SQLException | RuntimeException e) {
                // not allowed to read server files: the archive has it once archived
            }
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (text == null && System.nanoTime() < deadline) {
            var archived = repository.wal().find(name);
            if (archived.isPresent()) {
                try (InputStream in = repository.wal().read(archived.get())) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new BackupFailedException("Could not read " + name + " from the archive: " + e.getMessage(), e);
                }
            } else {
                PostgresBackupSource.sleep(500);
            }
        }
        if (text == null) {
            throw new BackupFailedException("Could not learn where the backup ended: the backup history file " + name
                    + " is neither readable (grant pg_read_server_files, or give the data directory) nor archived");
        }
        Matcher m = STOP.matcher(text);
        if (!m.find()) {
            throw new BackupFailedException("Backup history file " + name + " has no STOP WAL LOCATION: " + text.strip());
        }
        return Lsn.parse(m.group(1));
    }

    /** A failed backup returns only once no worker writes for it any more (its session then removes what they wrote). */
    private static void awaitWorkers(java.util.concurrent.ExecutorService pool) {
        try {
            if (!pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                org.slf4j.LoggerFactory.getLogger(StreamBackup.class).warn("Upload workers still running after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure of the tar reader (cut short, bad header) rather than of the repository. */
    private static boolean isTarFailure(Exception e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("truncated") || m.contains("tar") || m.contains("premature end") || m.contains("eof");
    }

    /** The next entry; a stream cut short or malformed names the entry it broke in. */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String current) {
        try {
            return tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw io.dr4j.postgres.reliability.StreamTarEntries.truncated(current, e);
        }
    }

    /** Discards bytes. */
    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
