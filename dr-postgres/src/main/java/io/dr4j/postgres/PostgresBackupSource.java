package io.dr4j.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.DrException;
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
import io.dr4j.core.backup.WalArchive;
import io.dr4j.postgres.backup.FileUploader;
import io.dr4j.postgres.backup.ProgressTracker;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physical backups of a PostgreSQL cluster into a {@link Repository}: full, differential and incremental (file
 * level), in direct mode (this process reads the data directory between {@code pg_backup_start} and
 * {@code pg_backup_stop} on one held session, files in parallel, page checksums verified) or stream mode
 * ({@code pg_basebackup -Ft -X none -D -}). The backup becomes visible only once every WAL segment from its start
 * to its stop LSN is in the repository: copied from {@code pg_wal} when the data directory is local, else waited
 * for (the archiver's job) up to {@link Builder#walTimeout(Duration)}.
 *
 * <p>Request options: {@code mode} (direct, stream, auto), {@code label}, {@code fast-checkpoint} (true).
 */
public final class PostgresBackupSource implements BackupSource {
    private static final Logger log = LoggerFactory.getLogger(PostgresBackupSource.class);
    static final String KIND = "postgresql";

    private final PostgresCluster cluster;
    private final BackupMode mode;
    private final Duration walTimeout;
    private final @Nullable PostgresBinaries clientTools;
    private volatile @Nullable String systemId;

    private PostgresBackupSource(Builder b) {
        this.cluster = b.cluster;
        this.mode = b.mode;
        this.walTimeout = b.walTimeout;
        this.clientTools = b.clientTools;
    }

    public static Builder builder(PostgresCluster cluster) {
        return new Builder(cluster);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String systemId() {
        String id = systemId;
        if (id == null) {
            id = cluster.inspect().systemId();
            systemId = id;
        }
        return id;
    }

    /** What one backup run learned on the way, shared by both modes. */
    static final class Run {
        final List<BackupFile> files = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> props = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();
        long startLsn;
        long stopLsn;
        long timeline;
        @Nullable String labelFile;
        @Nullable String spcmapFile;
    }

    @Override
    public BackupResult backup(Repository repository, BackupRequest request) {
        // reports the outcome (with a failure's reason) to the repository's event listeners
        return repository.events().observeBackup(request.type(), () -> takeBackup(repository, request));
    }

    private BackupResult takeBackup(Repository repository, BackupRequest request) {
        Objects.requireNonNull(repository, "repository");
        Instant started = Instant.now();
        Map<String, Duration> phases = new LinkedHashMap<>();
        ServerInfo info = cluster.inspect();
        systemId = info.systemId();
        repository.checkSystem(info.systemId());
        info.requireArchivableWal();
        if (info.inRecovery()) {
            throw new BackupFailedException("The server at " + cluster.host() + ":" + cluster.port() + " is a standby; "
                    + "take backups from the primary");
        }
        BackupMode m = request.options().containsKey("mode") ? BackupMode.parse(request.options().get("mode")) : mode;
        if (m == BackupMode.AUTO) {
            m = cluster.dataDir().filter(Files::isReadable).isPresent() ? BackupMode.DIRECT : BackupMode.STREAM;
        }
        if (m == BackupMode.DIRECT && cluster.dataDir().isEmpty()) {
            throw new BackupFailedException("Direct mode needs the data directory: set dataDir(...) on the "
                    + "PostgresCluster, or use mode=stream (pg_basebackup over the replication protocol)");
        }
        BackupType type = request.type();
        if (type == BackupType.LOGICAL) {
            throw new BackupFailedException("PostgresBackupSource takes physical backups (full, diff, incr); use the "
                    + "logical backup source for pg_dump backups");
        }
        Optional<BackupManifest> parent = parentFor(repository, type);
        if (type != BackupType.FULL && parent.isEmpty()) {
            log.warn("No earlier full backup of system {} in {}: taking a full backup instead of {}", info.systemId(),
                    repository, type.id());
            type = BackupType.FULL;
        }
        Map<String, BackupFile> prior = new LinkedHashMap<>();
        parent.ifPresent(p -> p.files().stream().filter(f -> f.kind() == BackupFile.Kind.FILE && f.objectKey() != null)
                .forEach(f -> prior.put(f.path(), f)));
        String id = BackupId.generate(started, type);
        ProgressTracker progress = new ProgressTracker(request.progress(), "backup", "copy");
        Run run = new Run();
        long t0 = System.nanoTime();
        try (BackupSession session = repository.catalog().begin(id)) {
            Instant priorStart = parent.map(BackupManifest::startedAt).orElse(null);
            FileUploader uploader;
            if (m == BackupMode.DIRECT) {
                uploader = new DirectBackup(cluster, info, request, session, prior, priorStart, progress, run).run(id);
            } else {
                info.requireReplication();
                uploader = new FileUploader(session, prior, priorStart, 0, false, progress);
                new StreamBackup(cluster, clientTools(), uploader, run, repository, info.walSegmentSize())
                        .parallelism(request.effectiveParallelism()).run(id);
            }
            phases.put("copy", Duration.ofNanos(System.nanoTime() - t0));
            run.warnings.addAll(uploader.warnings());
            if (uploader.checksumErrors() > 0) {
                run.props.put("checksumErrorFiles", String.join(" ", run.warnings).substring(0,
                        Math.min(4000, String.join(" ", run.warnings).length())));
            }
            storeLabels(session, run);
            long t1 = System.nanoTime();
            List<String> wal = completeWal(repository, run, info.walSegmentSize(), progress);
            phases.put("wal", Duration.ofNanos(System.nanoTime() - t1));
            progress.finish();

            Instant finished = Instant.now();
            Map<String, String> props = run.props;
            props.put("mode", m.name().toLowerCase(java.util.Locale.ROOT));
            props.put("startLsn", Lsn.format(run.startLsn));
            props.put("stopLsn", Lsn.format(run.stopLsn));
            props.put("timeline", Long.toString(run.timeline));
            props.put("startWal", wal.get(0));
            props.put("stopWal", wal.get(wal.size() - 1));
            props.put("walSegmentSize", Long.toString(info.walSegmentSize()));
            props.put("serverVersion", info.serverVersion());
            props.put("majorVersion", Integer.toString(info.majorVersion()));
            props.put("dataChecksums", Boolean.toString(info.dataChecksums()));
            props.put("checksumErrors", Long.toString(uploader.checksumErrors()));
            props.put("referencedFiles", Long.toString(uploader.referencedFiles()));
            props.put("consistentAt", finished.toString());
            List<BackupFile> files = new ArrayList<>(run.files);
            files.sort(java.util.Comparator.comparing(BackupFile::path));
            long size = files.stream().mapToLong(BackupFile::size).sum();
            long stored = files.stream().filter(f -> f.fromBackup() == null).mapToLong(BackupFile::storedSize).sum();
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT_VERSION, id, type,
                    parent.map(BackupManifest::id).orElse(null), info.systemId(), KIND, started, finished, props,
                    request.labels(), files, size, stored);
            session.commit(manifest);
            if (uploader.checksumErrors() > 0) {
                log.warn("Backup {} found {} pages failing checksum verification: {}", id, uploader.checksumErrors(),
                        run.warnings);
            }
            return new BackupResult(manifest, phases, Duration.between(started, Instant.now()), run.warnings);
        } catch (DrException e) {
            throw e;
        } catch (IOException e) {
            throw new BackupFailedException("Backup of " + cluster + " failed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new BackupFailedException("Backup of " + cluster + " failed: " + e.getCause().getMessage(), e);
        }
    }

    private PostgresBinaries clientTools() {
        if (clientTools != null) {
            return clientTools;
        }
        return PostgresBinaries.newestInstalled().filter(b -> b.has("pg_basebackup")).orElseThrow(() ->
                new BackupFailedException("Stream mode needs pg_basebackup: install the PostgreSQL client tools "
                        + "(apt-get install postgresql-client-15) or pass clientTools(PostgresBinaries.at(dir))"));
    }

    private static Optional<BackupManifest> parentFor(Repository repository, BackupType type) {
        if (type == BackupType.FULL) {
            return Optional.empty();
        }
        List<BackupManifest> all = repository.catalog().list().stream()
                .filter(b -> KIND.equals(b.sourceKind()) && b.type() != BackupType.LOGICAL).toList();
        for (int i = all.size() - 1; i >= 0; i--) {
            BackupManifest b = all.get(i);
            if (type == BackupType.INCR || b.type() == BackupType.FULL) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static void storeLabels(BackupSession session, Run run) {
        if (run.labelFile != null) {
            run.files.add(storeText(session, "backup_label", run.labelFile));
        }
        if (run.spcmapFile != null && !run.spcmapFile.isEmpty()) {
            run.files.add(storeText(session, "tablespace_map", run.spcmapFile));
        }
    }

    private static BackupFile storeText(BackupSession session, String name, String text) {
        StoredObject o = session.writeFile(name, new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return BackupFile.stored(name, o, Instant.now(), 0600, null);
    }

    /**
     * Makes sure every WAL segment from start to stop is archived: pushed from the local {@code pg_wal} when the
     * data directory is readable, else waited for.
     */
    private List<String> completeWal(Repository repository, Run run, long segSize, ProgressTracker progress) {
        long first = Lsn.segmentOf(run.startLsn, segSize);
        long last = Lsn.segmentOf(run.stopLsn - 1, segSize);
        List<String> names = new ArrayList<>();
        for (long s = first; s <= last; s++) {
            names.add(Lsn.segmentName(run.timeline, s, segSize));
        }
        progress.phase("wal", -1, names.size());
        WalArchive wal = repository.wal();
        Optional<Path> pgWal = cluster.dataDir().map(d -> d.resolve("pg_wal")).filter(Files::isDirectory);
        long deadline = System.nanoTime() + walTimeout.toNanos();
        for (String name : names) {
            while (wal.find(name).isEmpty()) {
                Optional<Path> local = pgWal.map(d -> d.resolve(name)).filter(Files::isRegularFile);
                if (local.isPresent()) {
                    try {
                        if (Files.size(local.get()) == segSize) {
                            wal.push(name, local.get());
                            break;
                        }
                    } catch (IOException e) {
                        // recycled meanwhile: wait for the archiver instead
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new BackupFailedException("WAL segment " + name + " needed by this backup (WAL " + names.get(0)
                            + " to " + names.get(names.size() - 1) + ") did not reach the repository within " + walTimeout
                            + ". Check that WAL archiving into this repository works (archive_command or the "
                            + "dr4j WAL archiver), or give the backup the data directory so it copies the WAL itself");
                }
                sleep(200);
            }
            progress.addItem();
        }
        return names;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("Backup interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "PostgresBackupSource[" + cluster + ", " + mode + "]";
    }

    /** Builds a {@link PostgresBackupSource}. */
    public static final class Builder {
        private final PostgresCluster cluster;
        private BackupMode mode = BackupMode.AUTO;
        private Duration walTimeout = Duration.ofMinutes(2);
        private @Nullable PostgresBinaries clientTools;

        private Builder(PostgresCluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
        }

        public Builder mode(BackupMode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /** How long to wait for the backup's WAL to be archived when it cannot be copied locally (default 2 min). */
        public Builder walTimeout(Duration d) {
            this.walTimeout = Objects.requireNonNull(d, "walTimeout");
            return this;
        }

        /** Where {@code pg_basebackup} is (stream mode); default: the newest installed distribution version. */
        public Builder clientTools(PostgresBinaries b) {
            this.clientTools = b;
            return this;
        }

        public PostgresBackupSource build() {
            return new PostgresBackupSource(this);
        }
    }
}
