package io.dr4j.postgres.wal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.backup.WalConflictException;
import io.dr4j.core.backup.WalSegment;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyDual;
import org.postgresql.core.v3.replication.V3PGReplicationStream;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a PostgreSQL server's WAL into a {@link Repository} over the physical replication protocol (pure Java,
 * pgjdbc), on a named replication slot so that the server keeps the WAL the archiver has not stored yet.
 *
 * <ul>
 *   <li>Received WAL is written to a spool file per segment in {@code spoolDir}; a completed segment is fsynced,
 *   stored with {@link WalArchive#push} and deleted from the spool.</li>
 *   <li>The segment being written is stored as {@code <segment>.partial} every {@link Builder#partialInterval}
 *   (default 1 s): the RPO is seconds.</li>
 *   <li>The flush position reported to the server (which lets it recycle WAL, and releases synchronous commits)
 *   is the locally fsynced position, or in {@linkplain Builder#synchronous synchronous mode} the position stored in
 *   the repository: with the archiver's application name in {@code synchronous_standby_names} a commit returns
 *   only once its WAL is in the repository (RPO 0).</li>
 *   <li>Timeline switches (a promoted server) are followed through the server's history files, which are stored
 *   too; lost connections and server restarts are retried with back-off; a watchdog detects dead connections.</li>
 * </ul>
 *
 * <pre>{@code
 * WalArchiver archiver = WalArchiver.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/postgres").connectionProperties(props)
 *         .repository(repo).spoolDir(Path.of("/var/lib/dr4j/wal-spool")).slotName("dr4j_archiver")
 *         .build().start();
 * ...
 * archiver.status().lagBytes();
 * archiver.close();
 * }</pre>
 */
public final class WalArchiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalArchiver.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    /** What the archiver is doing. */
    public enum State { NEW, CONNECTING, STREAMING, RECONNECTING, STOPPING, STOPPED, FAILED }

    /**
     * A snapshot for monitoring. LSNs are byte positions ({@link WalPositions#formatLsn} prints them as X/Y).
     *
     * @param state               what the archiver is doing
     * @param timeline            timeline being streamed (0 before the first connection)
     * @param serverLsn           the server's current WAL position, as last seen (flush LSN on a primary, replay
     *                            LSN on a standby)
     * @param receivedLsn         end of the WAL received
     * @param flushedLsn          flush position last reported to the server (what the slot keeps from)
     * @param archivedLsn         end of the WAL stored in the repository (complete segments and the partial one)
     * @param lagBytes            {@code serverLsn - archivedLsn} (0 when caught up)
     * @param lag                 age of the oldest received byte not in the repository yet (longer while
     *                            disconnected): how many seconds of WAL a loss of this host would cost
     * @param segmentsArchived    completed segments stored by this archiver since start
     * @param partialsArchived    partial-segment uploads since start
     * @param reconnects          reconnections since start
     * @param lastArchivedSegment name of the last completed segment stored
     * @param lastError           the last error (also while retrying), null when none
     * @param at                  when the snapshot was taken
     */
    public record Status(State state, long timeline, long serverLsn, long receivedLsn, long flushedLsn,
                         long archivedLsn, long lagBytes, Duration lag, long segmentsArchived, long partialsArchived,
                         long reconnects, @Nullable String lastArchivedSegment, @Nullable String lastError,
                         Instant at) {
        @Override
        public String toString() {
            return "WalArchiver.Status[" + state + " timeline " + timeline + " server " + WalPositions.formatLsn(serverLsn)
                    + " received " + WalPositions.formatLsn(receivedLsn) + " flushed " + WalPositions.formatLsn(flushedLsn)
                    + " archived " + WalPositions.formatLsn(archivedLsn) + " lag " + lagBytes + " B / " + lag.toMillis()
                    + " ms, segments " + segmentsArchived + ", partials " + partialsArchived + ", reconnects "
                    + reconnects + (lastError == null ? "" : ", last error: " + lastError) + "]";
        }
    }

    /** Events of the archiver, called from its threads (keep them fast). All methods default to no-ops. */
    public interface Listener {
        default void onStreaming(long timeline, long startLsn) {
        }

        default void onSegmentArchived(WalSegment segment) {
        }

        default void onPartialArchived(String segmentName, long bytes) {
        }

        default void onTimelineSwitch(long fromTimeline, long toTimeline, long switchPoint) {
        }

        default void onReconnect(Throwable cause, long attempt) {
        }

        default void onFailure(Throwable cause) {
        }
    }

    // configuration
    private final String jdbcUrl;
    private final Properties properties;
    private final Repository repository;
    private final WalArchive wal;
    private final Path spoolDir;
    private final String slotName;
    private final String applicationName;
    private final boolean createSlot;
    private final long partialIntervalNanos;
    private final boolean synchronous;
    private final long statusIntervalMs;
    private final @Nullable Duration watchdogTimeout;
    private final Listener listener;

    // state
    private volatile State state = State.NEW;
    private volatile long timeline;
    private volatile long serverLsn;
    private volatile long receivedLsn;
    private volatile long flushedLsn;
    private final AtomicLong archivedLsn = new AtomicLong();
    private volatile long locallyDurableLsn;
    private final AtomicLong segmentsArchived = new AtomicLong();
    private final AtomicLong partialsArchived = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile @Nullable String lastArchivedSegment;
    private volatile @Nullable String lastError;
    private volatile long disconnectedSinceNanos = System.nanoTime();
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();

    private volatile long segmentSize;
    private volatile long watchdogNanos;
    private volatile @Nullable Segment current;
    private final LinkedBlockingQueue<Ready> ready = new LinkedBlockingQueue<>();
    private final Object uploadSignal = new Object();
    private volatile boolean stopping;
    private volatile boolean uploaderStop;
    private volatile boolean urgentPartial;
    private volatile int walsenderPid;
    private volatile long lastAliveNanos;
    private volatile boolean walsenderGone;
    private volatile boolean everConnected;
    private volatile @Nullable Connection replication;
    private volatile long loopBeatNanos;
    private volatile long serverTimeline;
    private volatile boolean streamingHistoric;

    // receiver-only
    private long resumeTimeline = -1;
    private long resumeLsn = -1;
    private long expected;
    private long lastForceNanos;

    // uploader-only: how long the last uploads (partial or completed segments) took
    private final long[] recentUploadNanos = new long[8];
    private int recentUploads;

    private @Nullable Thread receiver;
    private @Nullable Thread uploader;
    private @Nullable Thread monitor;
    private @Nullable FileChannel lockChannel;
    private @Nullable FileLock lock;
    private @Nullable Connection control;

    private WalArchiver(Builder b) {
        this.jdbcUrl = Objects.requireNonNull(b.jdbcUrl, "jdbcUrl");
        this.properties = new Properties();
        this.properties.putAll(b.properties);
        this.repository = Objects.requireNonNull(b.repository, "repository");
        this.wal = repository.wal();
        this.spoolDir = Objects.requireNonNull(b.spoolDir, "spoolDir").toAbsolutePath();
        this.slotName = b.slotName;
        this.applicationName = b.applicationName != null ? b.applicationName : b.slotName;
        this.createSlot = b.createSlot;
        this.partialIntervalNanos = b.partialInterval.toNanos();
        this.synchronous = b.synchronous;
        this.statusIntervalMs = b.statusInterval.toMillis();
        this.watchdogTimeout = b.watchdogTimeout;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the archiver's threads and returns at once; see {@link #status()} and {@link #awaitArchived}. */
    public synchronized WalArchiver start() {
        if (state != State.NEW) {
            throw new IllegalStateException("WalArchiver already started (" + state + ")");
        }
        try {
            Files.createDirectories(spoolDir);
            lockChannel = FileChannel.open(spoolDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            throw new WalArchiverException("Could not lock the WAL spool directory " + spoolDir + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(lockChannel);
            throw new WalArchiverException("Another WAL archiver uses the spool directory " + spoolDir
                    + ". Give each archiver its own spool directory (and its own replication slot)");
        }
        state = State.CONNECTING;
        receiver = thread("dr4j-wal-receiver-" + slotName, this::runReceiver);
        uploader = thread("dr4j-wal-uploader-" + slotName, this::runUploader);
        monitor = thread("dr4j-wal-monitor-" + slotName, this::runMonitor);
        uploader.start();
        receiver.start();
        monitor.start();
        return this;
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A snapshot of positions, lag and counters. */
    public Status status() {
        long server = Math.max(serverLsn, receivedLsn);
        long archived = archivedLsn.get();
        long lagNanos = 0;
        synchronized (pending) {
            long[] oldest = pending.peekFirst();
            if (oldest != null) {
                lagNanos = System.nanoTime() - oldest[1];
            }
        }
        State s = state;
        if ((s == State.RECONNECTING || s == State.CONNECTING) && server > archived) {
            lagNanos = Math.max(lagNanos, System.nanoTime() - disconnectedSinceNanos);
        }
        return new Status(s, timeline, serverLsn, receivedLsn, flushedLsn, archived, Math.max(0, server - archived),
                Duration.ofNanos(lagNanos), segmentsArchived.get(), partialsArchived.get(), reconnects.get(),
                lastArchivedSegment, lastError, Instant.now());
    }

    /**
     * Waits until the repository holds the WAL up to {@code lsn} (e.g. a backup's stop LSN).
     *
     * @return false when the timeout passed first
     * @throws WalArchiverException when the archiver failed or stopped
     */
    public boolean awaitArchived(long lsn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (archivedLsn) {
            while (Long.compareUnsigned(archivedLsn.get(), lsn) < 0) {
                if (state == State.FAILED || state == State.STOPPED) {
                    throw new WalArchiverException("The WAL archiver " + (state == State.FAILED ? "failed" : "stopped")
                            + " before " + WalPositions.formatLsn(lsn) + " was archived"
                            + (lastError == null ? "" : ": " + lastError));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                archivedLsn.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
        }
        return true;
    }

    /** Stops streaming, stores what was received (the partial segment included), and reports it to the server. */
    public void stop() {
        synchronized (this) {
            if (state == State.NEW) {
                state = State.STOPPED;
                return;
            }
        }
        stopping = true;
        if (state != State.FAILED) {
            state = State.STOPPING;
        }
        join(receiver);
        uploaderStop = true;
        signalUploader();
        join(uploader);
        if (monitor != null) {
            monitor.interrupt();
        }
        join(monitor);
        Segment seg = current;
        if (seg != null) {
            closeQuietly(seg.ch);
        }
        synchronized (this) {
            closeQuietly(control);
            control = null;
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            closeQuietly(lockChannel);
        }
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
        synchronized (archivedLsn) {
            archivedLsn.notifyAll();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void join(@Nullable Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------ receiver

    private void runReceiver() {
        try {
            recoverSpool();
        } catch (WalArchiverException e) {
            fail(e);
            return;
        }
        long backoff = 500;
        while (!stopping) {
            try {
                boolean progressed = streamOnce();
                if (progressed) {
                    backoff = 500;
                }
            } catch (WalArchiverException e) {
                fail(e);
                return;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                WalArchiverException fatal = fatalOrNull(e);
                if (fatal != null) {
                    fail(fatal);
                    return;
                }
                if (state == State.STREAMING) {
                    disconnectedSinceNanos = System.nanoTime();
                }
                state = State.RECONNECTING;
                long n = reconnects.incrementAndGet();
                lastError = describe(e);
                log.warn("WAL archiver ({}): connection lost or refused, retrying in {} ms: {}", slotName, backoff, lastError);
                safe(() -> listener.onReconnect(e, n));
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
        Segment seg = current;
        if (seg != null) {
            try {
                seg.ch.force(true);
                locallyDurableLsn = Math.max(locallyDurableLsn, seg.start + seg.written);
            } catch (IOException e) {
                log.warn("Could not fsync {}: {}", seg.path, e.getMessage());
            }
        }
    }

    private @Nullable WalArchiverException fatalOrNull(Exception e) {
        SQLException sql = e instanceof SQLException s ? s : null;
        if (sql == null) {
            return null;
        }
        String st = sql.getSQLState() == null ? "" : sql.getSQLState();
        String msg = String.valueOf(sql.getMessage());
        if (msg.contains("has already been removed")) {
            return new WalArchiverException("The server no longer has the WAL the archive needs next (" + msg
                    + "). The repository " + repository.target().location() + " has a gap from there: take a new base "
                    + "backup, and keep the archiver's replication slot '" + slotName + "' so that it cannot happen again", e);
        }
        if (!everConnected && (st.startsWith("28") || st.equals("42501") || st.equals("3D000"))) {
            return new WalArchiverException("Cannot stream WAL from " + redactedUrl() + ": " + msg + ". The role needs "
                    + "LOGIN and REPLICATION (ALTER ROLE <name> REPLICATION) and a pg_hba.conf 'replication' entry", e);
        }
        return null;
    }

    private void fail(Throwable e) {
        lastError = describe(e);
        state = State.FAILED;
        stopping = true;
        log.error("WAL archiver ({}) stopped: {}", slotName, lastError);
        safe(() -> listener.onFailure(e));
        synchronized (archivedLsn) {
            archivedLsn.notifyAll();
        }
    }

    /** Pushes segments completed before a crash, removes half-written spool files. */
    private void recoverSpool() {
        List<Path> readyFiles = new ArrayList<>();
        try (Stream<Path> s = Files.list(spoolDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".ready")) {
                    readyFiles.add(p);
                } else if (n.endsWith(".spool") || n.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new WalArchiverException("Could not read the WAL spool directory " + spoolDir + ": " + e.getMessage(), e);
        }
        readyFiles.sort(null);
        for (Path p : readyFiles) {
            String name = p.getFileName().toString().replace(".ready", "");
            long backoff = 500;
            while (!stopping) {
                try {
                    WalSegment w = wal.push(name, p);
                    Files.delete(p);
                    segmentsArchived.incrementAndGet();
                    lastArchivedSegment = name;
                    log.info("WAL archiver ({}): stored {} left in the spool by an earlier run", slotName, name);
                    repository.events().walArchived(name, false, -1);
                    safe(() -> listener.onSegmentArchived(w));
                    break;
                } catch (WalConflictException e) {
                    throw new WalArchiverException(e.getMessage(), e);
                } catch (RuntimeException | IOException e) {
                    lastError = describe(e);
                    log.warn("WAL archiver ({}): could not store {}: {}; retrying", slotName, name, lastError);
                    sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        }
    }

    /** One connection: identify, choose the start, stream until stopped, a timeline ends, or an error. */
    private boolean streamOnce() throws SQLException, IOException {
        boolean progressed = false;
        try (Connection conn = openReplication()) {
            replication = conn;
            loopBeatNanos = System.nanoTime();
            PGConnection pg = conn.unwrap(PGConnection.class);
            String systemId;
            long serverTimeline;
            long serverPos;
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
                rs.next();
                systemId = rs.getString(1);
                serverTimeline = rs.getLong(2);
                serverPos = WalPositions.parseLsn(rs.getString(3));
            }
            try {
                repository.checkSystem(systemId);
            } catch (RepositoryException e) {
                throw new WalArchiverException(e.getMessage() + " (the server at " + redactedUrl() + " is system "
                        + systemId + ")", e);
            }
            if (segmentSize == 0) {
                segmentSize = WalPositions.parseSize(show(conn, "wal_segment_size"));
                long senderTimeout = WalPositions.parseMillis(show(conn, "wal_sender_timeout"));
                watchdogNanos = watchdogTimeout != null ? watchdogTimeout.toNanos()
                        : Duration.ofMillis(senderTimeout > 0 ? senderTimeout : 60_000).toNanos();
            }
            serverLsn = Math.max(serverLsn, serverPos);
            long restartLsn = ensureSlot();
            TimelineHistory history = serverTimeline == 1 ? TimelineHistory.first() : storeHistories(conn, serverTimeline);

            long tli;
            long lsn;
            if (resumeTimeline >= 0) {
                tli = resumeTimeline;
                lsn = resumeLsn;
            } else {
                long[] fromRepo = repositoryPosition(history);
                if (fromRepo != null && restartLsn > 0
                        && Long.compareUnsigned(WalPositions.segmentStart(restartLsn, segmentSize), fromRepo[1]) < 0) {
                    // The repository got later WAL from elsewhere while no archiver ran (a backup stores its own WAL,
                    // archive_command may run too): resuming after it would skip what the slot still holds before it,
                    // and the flush feedback would let the server remove that WAL unarchived. Resume at the slot;
                    // segments already archived are found and not stored twice (WalArchiverCrashIT).
                    fromRepo = new long[] {history.timelineAt(restartLsn), WalPositions.segmentStart(restartLsn, segmentSize)};
                }
                if (fromRepo != null) {
                    tli = fromRepo[0];
                    lsn = fromRepo[1];
                } else if (restartLsn > 0) {
                    tli = history.timelineAt(restartLsn);
                    lsn = WalPositions.segmentStart(restartLsn, segmentSize);
                } else {
                    tli = serverTimeline;
                    lsn = WalPositions.segmentStart(serverPos, segmentSize);
                }
            }
            if (!history.contains(tli)) {
                throw new WalArchiverException("The archive continues timeline " + tli + ", which is not in the history "
                        + "of the server's timeline " + serverTimeline + ". The repository " + repository.target().location()
                        + " belongs to another branch of this cluster: use a new repository for it");
            }
            long stopAt = history.endOf(tli);
            while (stopAt >= 0 && Long.compareUnsigned(lsn, stopAt) >= 0) {
                long next = history.next(tli);
                switchTimeline(tli, next, stopAt);
                tli = next;
                lsn = WalPositions.segmentStart(stopAt, segmentSize);
                stopAt = history.endOf(tli);
            }
            resumeTimeline = tli;
            resumeLsn = lsn;
            expected = lsn;
            timeline = tli;
            streamingHistoric = stopAt >= 0;
            if (archivedLsn.get() == 0) {
                archivedLsn.set(lsn);
            }
            if (receivedLsn < lsn) {
                receivedLsn = lsn;
            }
            String command = "START_REPLICATION SLOT " + slotName + " PHYSICAL " + WalPositions.formatLsn(lsn) + " TIMELINE " + tli;
            CopyDual copy = pg.getCopyAPI().copyDual(command);
            V3PGReplicationStream stream = new V3PGReplicationStream(copy, LogSequenceNumber.valueOf(lsn),
                    statusIntervalMs, false, ReplicationType.PHYSICAL);
            walsenderPid = pg.getBackendPID();
            walsenderGone = false;
            lastAliveNanos = System.nanoTime();
            everConnected = true;
            state = State.STREAMING;
            lastError = null;
            log.info("WAL archiver ({}) streaming timeline {} from {} of {}", slotName, tli, WalPositions.formatLsn(lsn), redactedUrl());
            final long t0 = tli;
            final long l0 = lsn;
            safe(() -> listener.onStreaming(t0, l0));
            long lastStatus = System.nanoTime();
            while (!stopping) {
                long now = System.nanoTime();
                loopBeatNanos = now;
                if (walsenderGone) {
                    throw new IOException("the server no longer lists this archiver's WAL sender (pid " + walsenderPid + ")");
                }
                if (now - lastAliveNanos > watchdogNanos) {
                    throw new IOException("no message from the server for " + Duration.ofNanos(now - lastAliveNanos).toSeconds()
                            + " s (watchdog): the connection is considered dead");
                }
                ByteBuffer buf = stream.readPending();
                if (buf != null) {
                    long end = stream.getLastReceiveLSN().asLong();
                    lastAliveNanos = System.nanoTime();
                    if (buf.hasRemaining()) {
                        write(buf, end - buf.remaining(), tli, stopAt);
                        progressed = true;
                    }
                    if (stopAt >= 0 && Long.compareUnsigned(expected, stopAt) >= 0) {
                        finishTimeline(stream, tli, history.next(tli), stopAt);
                        return true;
                    }
                    if (!synchronous && now - lastForceNanos > 200_000_000L) {
                        forceLocal();
                    }
                    lastStatus = ack(stream, lastStatus);
                    continue;
                }
                long ka = stream.getLastReceiveLSN().asLong();
                if (Long.compareUnsigned(ka, serverLsn) > 0) {
                    serverLsn = ka;
                }
                if (!synchronous) {
                    forceLocal();
                }
                lastStatus = ack(stream, lastStatus);
                LockSupport.parkNanos(synchronous ? 2_000_000L : 10_000_000L);
            }
            // stopping: make what we have durable, let the uploader store it, report it
            forceLocal();
            uploaderStop = true;
            signalUploader();
            join(uploader);
            ack(stream, 0);
            return progressed;
        } finally {
            replication = null;
        }
    }

    private long ack(V3PGReplicationStream stream, long lastStatus) throws SQLException {
        long target = synchronous ? Math.min(archivedLsn.get(), expected) : locallyDurableLsn;
        long now = System.nanoTime();
        if (Long.compareUnsigned(target, flushedLsn) > 0) {
            LogSequenceNumber l = LogSequenceNumber.valueOf(target);
            stream.setFlushedLSN(l);
            stream.setAppliedLSN(l);
            stream.forceUpdateStatus();
            flushedLsn = target;
            return now;
        }
        if (lastStatus == 0 || now - lastStatus > statusIntervalMs * 1_000_000L) {
            stream.forceUpdateStatus();
            return now;
        }
        return lastStatus;
    }

    private void write(ByteBuffer buf, long chunkStart, long tli, long stopAt) throws IOException {
        long lsn = chunkStart;
        if (lsn != expected) {
            if (Long.compareUnsigned(lsn, expected) < 0) {
                long skip = expected - lsn;
                if (skip >= buf.remaining()) {
                    return;
                }
                buf.position(buf.position() + (int) skip);
                lsn = expected;
            } else {
                throw new IOException("gap in the WAL stream: expected " + WalPositions.formatLsn(expected) + ", got "
                        + WalPositions.formatLsn(lsn) + "; reconnecting");
            }
        }
        while (buf.hasRemaining()) {
            if (stopAt >= 0 && Long.compareUnsigned(lsn, stopAt) >= 0) {
                break;
            }
            Segment seg = segmentFor(tli, lsn);
            long off = lsn - seg.start;
            int n = (int) Math.min(buf.remaining(), segmentSize - off);
            if (stopAt >= 0) {
                n = (int) Math.min(n, stopAt - lsn);
            }
            ByteBuffer part = buf.slice(buf.position(), n);
            long pos = off;
            while (part.hasRemaining()) {
                pos += seg.ch.write(part, pos);
            }
            buf.position(buf.position() + n);
            lsn += n;
            expected = lsn;
            receivedLsn = lsn;
            if (off + n > seg.written) {
                seg.written = off + n;
            }
            noteReceived(lsn);
            if (off + n == segmentSize) {
                completeSegment(seg);
            }
        }
        if (synchronous) {
            signalUploader();
        }
    }

    private Segment segmentFor(long tli, long lsn) throws IOException {
        long segNo = WalPositions.segmentNumber(lsn, segmentSize);
        Segment seg = current;
        if (seg != null && seg.tli == tli && seg.segNo == segNo) {
            return seg;
        }
        if (seg != null) {
            // a reconnect moved us elsewhere (should not happen): the old file's data is in the repository or lost
            current = null;
            closeQuietly(seg.ch);
        }
        String name = WalPositions.segmentName(tli, segNo, segmentSize);
        Path path = spoolDir.resolve(name + ".spool");
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        Segment s = new Segment(tli, segNo, segNo * segmentSize, name, path, ch);
        current = s;
        return s;
    }

    private void completeSegment(Segment seg) throws IOException {
        seg.ch.force(true);
        seg.ch.close();
        Path readyPath = spoolDir.resolve(seg.name + ".ready");
        Files.move(seg.path, readyPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(spoolDir);
        current = null;
        long end = seg.start + segmentSize;
        ready.add(new Ready(seg.name, readyPath, end));
        locallyDurableLsn = Math.max(locallyDurableLsn, end);
        lastForceNanos = System.nanoTime();
        resumeLsn = end;
        signalUploader();
    }

    private void forceLocal() throws IOException {
        Segment seg = current;
        if (seg != null && seg.start + seg.written > locallyDurableLsn) {
            long upTo = seg.start + seg.written;
            seg.ch.force(false);
            locallyDurableLsn = upTo;
        }
        lastForceNanos = System.nanoTime();
    }

    /** The server's stream of an old timeline ended at its switch point: store the rest, move to the next one. */
    private void finishTimeline(V3PGReplicationStream stream, long tli, long next, long switchPoint) throws IOException, SQLException {
        Segment seg = current;
        if (seg != null && seg.tli == tli) {
            seg.ch.force(true);
            locallyDurableLsn = Math.max(locallyDurableLsn, seg.start + seg.written);
            urgentPartial = true;
            signalUploader();
            while (seg.pushed < seg.written && !stopping) {
                LockSupport.parkNanos(5_000_000L);
            }
            if (seg.pushed < seg.written) {
                return; // stopping; the partial is pushed by the uploader's final pass
            }
            current = null;
            closeQuietly(seg.ch);
            Files.deleteIfExists(seg.path);
        }
        ack(stream, 0);
        switchTimeline(tli, next, switchPoint);
        resumeTimeline = next;
        resumeLsn = WalPositions.segmentStart(switchPoint, segmentSize);
    }

    private void switchTimeline(long from, long to, long switchPoint) {
        log.info("WAL archiver ({}): timeline {} ended at {}, following timeline {}", slotName, from,
                WalPositions.formatLsn(switchPoint), to);
        timeline = to;
        safe(() -> listener.onTimelineSwitch(from, to, switchPoint));
    }

    /** Stores the history files of timelines 2..{@code serverTimeline} that the repository lacks; returns the last. */
    private TimelineHistory storeHistories(Connection conn, long serverTimeline) throws SQLException, IOException {
        TimelineHistory last = TimelineHistory.first();
        for (long t = 2; t <= serverTimeline; t++) {
            String name = WalPositions.historyFileName(t);
            byte[] content = null;
            if (t == serverTimeline || wal.find(name).isEmpty()) {
                content = timelineHistory(conn, t);
                if (content == null) {
                    continue;
                }
                if (wal.find(name).isEmpty()) {
                    Path tmp = spoolDir.resolve(name + ".tmp");
                    Files.write(tmp, content);
                    try {
                        wal.push(name, tmp);
                        log.info("WAL archiver ({}): stored {}", slotName, name);
                    } catch (WalConflictException e) {
                        throw new WalArchiverException(e.getMessage(), e);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
            if (t == serverTimeline) {
                last = TimelineHistory.parse(t, new String(content, StandardCharsets.UTF_8));
            }
        }
        return last;
    }

    private static byte @Nullable [] timelineHistory(Connection conn, long tli) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + tli)) {
            if (!rs.next()) {
                return null;
            }
            String type = rs.getMetaData().getColumnTypeName(2);
            return "bytea".equalsIgnoreCase(type) ? rs.getBytes(2) : rs.getString(2).getBytes(StandardCharsets.UTF_8);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("could not open file")) {
                return null; // a timeline the server never had (e.g. restored from a later one)
            }
            throw e;
        }
    }

    /** Where the repository's WAL ends: {timeline, LSN of the segment to (re)start}, or null when it has none. */
    private long @Nullable [] repositoryPosition(TimelineHistory history) {
        List<String> tls = new ArrayList<>(wal.timelines());
        for (int i = tls.size() - 1; i >= 0; i--) {
            long tli = Long.parseLong(tls.get(i), 16);
            List<WalSegment> segs = wal.list(tls.get(i)).stream().filter(WalSegment::isSegment).toList();
            if (segs.isEmpty()) {
                continue;
            }
            if (!history.contains(tli)) {
                if (tli > history.timeline()) {
                    throw new WalArchiverException("The repository " + repository.target().location() + " holds WAL of "
                            + "timeline " + tli + ", newer than the server's timeline " + history.timeline() + ". Is this a "
                            + "restored copy archiving into the original's repository? Give it its own repository");
                }
                log.warn("WAL archiver ({}): timeline {} in the repository is not an ancestor of the server's timeline {}",
                        slotName, tli, history.timeline());
                continue;
            }
            long complete = -1;
            long partial = -1;
            for (WalSegment w : segs) {
                long n = WalPositions.segmentNumberOf(w.name(), segmentSize);
                if (w.partial()) {
                    partial = Math.max(partial, n);
                } else {
                    complete = Math.max(complete, n);
                }
            }
            long seg = partial > complete ? partial : complete + 1;
            return new long[] {tli, seg * segmentSize};
        }
        return null;
    }

    private long ensureSlot() throws SQLException {
        synchronized (this) {
            Connection c = control();
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT slot_type, restart_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
                    ps.setString(1, slotName);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            if (!"physical".equals(rs.getString(1))) {
                                throw new WalArchiverException("Replication slot '" + slotName + "' is a " + rs.getString(1)
                                        + " slot; the WAL archiver needs a physical one. Choose another slot name");
                            }
                            String r = rs.getString(2);
                            return r == null ? 0 : WalPositions.parseLsn(r);
                        }
                    }
                }
                if (!createSlot) {
                    throw new WalArchiverException("Replication slot '" + slotName + "' does not exist. Create it with "
                            + "SELECT pg_create_physical_replication_slot('" + slotName + "', true), or let the archiver "
                            + "create it (createSlot(true))");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                    ps.setString(1, slotName);
                    ps.execute();
                    log.info("WAL archiver: created physical replication slot '{}' (WAL reserved now)", slotName);
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ uploader

    private void runUploader() {
        long lastPartial = System.nanoTime();
        while (true) {
            Ready r = ready.peek();
            if (r != null) {
                if (!pushComplete(r)) {
                    return;
                }
                ready.poll();
                continue;
            }
            Segment seg = current;
            boolean stopNow = uploaderStop;
            long now = System.nanoTime();
            if (seg != null && seg.written > seg.pushed
                    && (synchronous || stopNow || urgentPartial || partialDue(now, lastPartial))) {
                urgentPartial = false;
                long t = System.nanoTime();
                if (!pushPartial(seg) && stopNow) {
                    return;
                }
                lastPartial = System.nanoTime();
                long took = lastPartial - t;
                recentUploadNanos[recentUploads++ % recentUploadNanos.length] = took;
                if (log.isDebugEnabled()) {
                    log.debug("WAL archiver ({}): partial {} stored up to {} in {} ms", slotName, seg.name,
                            seg.pushed, took / 1_000_000);
                }
                continue;
            }
            if (stopNow || state == State.FAILED) {
                return;
            }
            long waitMs = synchronous ? 20 : Math.max(1, Math.min(20, (partialIntervalNanos - (now - lastPartial)) / 1_000_000));
            synchronized (uploadSignal) {
                try {
                    uploadSignal.wait(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The partial interval bounds how old the oldest received byte not yet in the repository may get: an upload
     * starts when that age plus the time an upload takes (the longest of the last eight uploads, partial or
     * complete: a completed segment's tail waits for its upload too) reaches the interval, so
     * WAL is stored within about one interval of its arrival rather than an interval plus an upload. At most one
     * upload per quarter interval; with nothing new, none.
     */
    private boolean partialDue(long now, long lastPartial) {
        if (now - lastPartial < partialIntervalNanos / 4) {
            return false;
        }
        long oldest;
        synchronized (pending) {
            long[] first = pending.peekFirst();
            if (first == null) {
                return now - lastPartial >= partialIntervalNanos;
            }
            oldest = first[1];
        }
        long upload = 0;
        for (long d : recentUploadNanos) {
            upload = Math.max(upload, d);
        }
        return now - oldest + upload >= partialIntervalNanos;
    }

    private void signalUploader() {
        synchronized (uploadSignal) {
            uploadSignal.notifyAll();
        }
    }

    /** @return false when the uploader must stop (fatal error, or giving up while stopping) */
    private boolean pushComplete(Ready r) {
        long backoff = 500;
        int attempts = 0;
        while (true) {
            try {
                long t = System.nanoTime();
                WalSegment w = wal.push(r.name, r.path);
                long took = System.nanoTime() - t;
                // a completed segment's last bytes wait for this upload as partial data waits for a partial one
                recentUploadNanos[recentUploads++ % recentUploadNanos.length] = took;
                log.debug("WAL archiver ({}): segment {} stored in {} ms", slotName, r.name, took / 1_000_000);
                Files.deleteIfExists(r.path);
                segmentsArchived.incrementAndGet();
                lastArchivedSegment = r.name;
                advanceArchived(r.end);
                repository.events().walArchived(r.name, false, status().lagBytes());
                safe(() -> listener.onSegmentArchived(w));
                return true;
            } catch (WalConflictException e) {
                fail(new WalArchiverException(e.getMessage(), e));
                return false;
            } catch (RuntimeException | IOException e) {
                attempts++;
                lastError = describe(e);
                log.warn("WAL archiver ({}): could not store {} (attempt {}): {}", slotName, r.name, attempts, lastError);
                if (uploaderStop && attempts >= 3 || state == State.FAILED) {
                    log.warn("WAL archiver ({}): {} stays in {}; it is stored at the next start", slotName, r.name, spoolDir);
                    return false;
                }
                sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    private boolean pushPartial(Segment seg) {
        long len = seg.written;
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ);
             InputStream in = new io.dr4j.core.storage.LimitedInputStream(Channels.newInputStream(ch), len)) {
            wal.pushPartial(seg.name, in);
        } catch (NoSuchFileException completed) {
            return true; // the segment was completed meanwhile: it is pushed whole next
        } catch (RuntimeException | IOException e) {
            lastError = describe(e);
            log.warn("WAL archiver ({}): could not store the partial segment {}: {}", slotName, seg.name, lastError);
            sleep(500);
            return false;
        }
        seg.pushed = Math.max(seg.pushed, len);
        partialsArchived.incrementAndGet();
        advanceArchived(seg.start + len);
        repository.events().walArchived(seg.name, true, status().lagBytes());
        safe(() -> listener.onPartialArchived(seg.name, len));
        return true;
    }

    private void advanceArchived(long lsn) {
        synchronized (archivedLsn) {
            if (Long.compareUnsigned(lsn, archivedLsn.get()) > 0) {
                archivedLsn.set(lsn);
            }
            archivedLsn.notifyAll();
        }
        synchronized (pending) {
            while (!pending.isEmpty() && Long.compareUnsigned(pending.peekFirst()[0], lsn) <= 0) {
                pending.pollFirst();
            }
        }
        Thread r = receiver;
        if (synchronous && r != null) {
            LockSupport.unpark(r);
        }
    }

    private void noteReceived(long lsn) {
        long now = System.nanoTime();
        synchronized (pending) {
            long[] last = pending.peekLast();
            if (last != null && now - last[1] < 5_000_000L) {
                last[0] = lsn;
            } else {
                if (pending.size() >= 100_000) {
                    pending.pollFirst();
                }
                pending.addLast(new long[] {lsn, now});
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ monitor

    private void runMonitor() {
        int misses = 0;
        while (!stopping) {
            try {
                Thread.sleep(Math.max(200, statusIntervalMs));
            } catch (InterruptedException e) {
                return;
            }
            try {
                synchronized (this) {
                    if (stopping) {
                        return;
                    }
                    Connection c = control();
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (CASE WHEN "
                            + "pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text, "
                            + "CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver) "
                            + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::int END")) {
                        if (rs.next() && rs.getString(1) != null) {
                            long l = WalPositions.parseLsn(rs.getString(1));
                            if (Long.compareUnsigned(l, serverLsn) > 0) {
                                serverLsn = l;
                            }
                            long t = rs.getLong(2);
                            if (!rs.wasNull()) {
                                serverTimeline = t;
                            }
                        }
                    }
                    int pid = walsenderPid;
                    if (state == State.STREAMING && pid != 0) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_stat_replication WHERE pid = ?")) {
                            ps.setInt(1, pid);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    misses = 0;
                                    lastAliveNanos = System.nanoTime();
                                } else if (++misses >= 3 && walsenderPid == pid) {
                                    walsenderGone = true;
                                    misses = 0;
                                }
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                synchronized (this) {
                    closeQuietly(control);
                    control = null;
                }
            }
            watchdog();
        }
    }

    /**
     * pgjdbc does not notice a dead connection, and blocks inside {@code readPending()} when the server ends the
     * stream of a timeline that became historic: abort the replication connection from this thread when the
     * server is silent, the receiver is stuck, the WAL sender is gone, or the server moved to a newer timeline.
     */
    private void watchdog() {
        Connection conn = replication;
        if (conn == null || state != State.STREAMING || stopping) {
            return;
        }
        long now = System.nanoTime();
        String reason = null;
        if (walsenderGone) {
            reason = "the server no longer lists this archiver's WAL sender";
        } else if (now - lastAliveNanos > watchdogNanos) {
            reason = "no message from the server for " + Duration.ofNanos(now - lastAliveNanos).toSeconds() + " s";
        } else if (now - loopBeatNanos > watchdogNanos) {
            reason = "the replication stream has been blocked for " + Duration.ofNanos(now - loopBeatNanos).toSeconds() + " s";
        } else if (!streamingHistoric && serverTimeline > timeline && timeline > 0) {
            reason = "the server moved to timeline " + serverTimeline + " (promotion); timeline " + timeline + " has ended";
        }
        if (reason != null) {
            log.info("WAL archiver ({}): reconnecting: {}", slotName, reason);
            try {
                conn.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(conn);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private Connection control() throws SQLException {
        Connection c = control;
        if (c != null && !c.isClosed()) {
            return c;
        }
        Properties p = new Properties();
        p.putAll(properties);
        PGProperty.APPLICATION_NAME.set(p, applicationName + "_monitor");
        if (PGProperty.CONNECT_TIMEOUT.getOrDefault(p) == null) {
            PGProperty.CONNECT_TIMEOUT.set(p, 10);
        }
        PGProperty.SOCKET_TIMEOUT.set(p, 30);
        c = DriverManager.getConnection(jdbcUrl, p);
        c.setAutoCommit(true);
        control = c;
        return c;
    }

    private Connection openReplication() throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        PGProperty.REPLICATION.set(p, "true");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.APPLICATION_NAME.set(p, applicationName);
        PGProperty.TCP_KEEP_ALIVE.set(p, true);
        PGProperty.CONNECT_TIMEOUT.set(p, 10);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    private static String show(Connection conn, String setting) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String redactedUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not supported everywhere; the file itself is fsynced
        }
    }

    /** Sleeps up to {@code ms}, returning early once stopping (so that stop() never waits for a back-off). */
    private void sleep(long ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        try {
            while (!stopping && System.nanoTime() < end) {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(@Nullable AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("WAL archiver listener failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "WalArchiver[" + slotName + " " + redactedUrl() + " -> " + repository.target().location() + "]";
    }

    private static final class Segment {
        final long tli;
        final long segNo;
        final long start;
        final String name;
        final Path path;
        final FileChannel ch;
        volatile long written;
        volatile long pushed;

        Segment(long tli, long segNo, long start, String name, Path path, FileChannel ch) {
            this.tli = tli;
            this.segNo = segNo;
            this.start = start;
            this.name = name;
            this.path = path;
            this.ch = ch;
        }
    }

    private record Ready(String name, Path path, long end) {
    }

    /** Configures a {@link WalArchiver}. */
    public static final class Builder {
        private @Nullable String jdbcUrl;
        private final Properties properties = new Properties();
        private @Nullable Repository repository;
        private @Nullable Path spoolDir;
        private String slotName = "dr4j_archiver";
        private @Nullable String applicationName;
        private boolean createSlot = true;
        private Duration partialInterval = Duration.ofMillis(500);
        private boolean synchronous;
        private Duration statusInterval = Duration.ofSeconds(1);
        private @Nullable Duration watchdogTimeout;
        private Listener listener = new Listener() { };

        private Builder() {
        }

        /** The server, e.g. {@code jdbc:postgresql://db:5432/postgres} (the database is used for monitoring). */
        public Builder jdbcUrl(String url) {
            this.jdbcUrl = url;
            return this;
        }

        /** Connection properties (user, password, ssl...): the password goes here, never into the URL. */
        public Builder connectionProperties(Properties p) {
            this.properties.putAll(p);
            return this;
        }

        public Builder user(String user) {
            PGProperty.USER.set(properties, user);
            return this;
        }

        public Builder repository(Repository r) {
            this.repository = r;
            return this;
        }

        /** Local directory for the segment being received (one archiver per directory; ~2 segments of disk). */
        public Builder spoolDir(Path dir) {
            this.spoolDir = dir;
            return this;
        }

        /** The physical replication slot (default {@code dr4j_archiver}); lower case letters, digits, underscores. */
        public Builder slotName(String name) {
            if (!name.matches("[a-z0-9_]{1,63}")) {
                throw new IllegalArgumentException("Invalid replication slot name '" + name
                        + "': use 1-63 lower case letters, digits and underscores");
            }
            this.slotName = name;
            return this;
        }

        /** The application_name the archiver connects with (default: the slot name): what synchronous_standby_names lists. */
        public Builder applicationName(String name) {
            this.applicationName = name;
            return this;
        }

        /** Create the slot when absent (default true), with {@code pg_create_physical_replication_slot(name, true)}. */
        public Builder createSlot(boolean create) {
            this.createSlot = create;
            return this;
        }

        /**
         * How often the segment being written is stored as a partial segment (default 0.5 s): the RPO. Under
         * {@code pgbench -c 4} on 2 cores the lag's p99 was 0.48 s at 0.5 s and 0.94 s at 1 s
         * ({@code bench/wal-lag.sh}, docs/benchmarks.md); the cost is at most one repository write per interval
         * while WAL arrives (none when idle).
         */
        public Builder partialInterval(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("partialInterval must be positive");
            }
            this.partialInterval = d;
            return this;
        }

        /**
         * Acknowledge WAL to the server only once it is in the repository (RPO 0 when the archiver's application
         * name is in {@code synchronous_standby_names}; commits then wait for the repository).
         */
        public Builder synchronous(boolean sync) {
            this.synchronous = sync;
            return this;
        }

        /** How often a status update is sent to the server when nothing else happens (default 1 s). */
        public Builder statusInterval(Duration d) {
            this.statusInterval = d;
            return this;
        }

        /** Silence after which the connection is considered dead (default: the server's wal_sender_timeout). */
        public Builder watchdogTimeout(Duration d) {
            this.watchdogTimeout = d;
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        public WalArchiver build() {
            return new WalArchiver(this);
        }
    }
}
