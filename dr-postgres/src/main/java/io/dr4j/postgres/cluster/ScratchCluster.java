package io.dr4j.postgres.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.dr4j.core.DrException;
import io.dr4j.postgres.internal.Processes;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server in a scratch directory on 127.0.0.1 and a free port: for test restores, verification,
 * drills, the demo, and tests. {@code initdb} (with data checksums by default) into a new directory, or start an
 * existing (e.g. restored) data directory. Runs the server as the {@code postgres} OS user when the JVM is root.
 *
 * <pre>{@code
 * try (ScratchCluster pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow()).start()) {
 *     try (Connection c = pg.connect("postgres")) { ... }
 * }
 * }</pre>
 */
public final class ScratchCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScratchCluster.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private final PostgresBinaries binaries;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final boolean deleteOnClose;
    private final String superuser;
    private volatile boolean running;

    private ScratchCluster(PostgresBinaries binaries, Path baseDir, Path dataDir, int port, boolean deleteOnClose,
                           String superuser) {
        this.binaries = binaries;
        this.baseDir = baseDir;
        this.dataDir = dataDir;
        this.port = port;
        this.deleteOnClose = deleteOnClose;
        this.superuser = superuser;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A free TCP port on 127.0.0.1 (best effort: free when asked). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ClusterException("Could not find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    public PostgresBinaries binaries() {
        return binaries;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The directory holding the data directory, the server log and the socket. */
    public Path baseDir() {
        return baseDir;
    }

    public Path logFile() {
        return baseDir.resolve("server.log");
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String superuser() {
        return superuser;
    }

    public boolean isRunning() {
        return running;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection as the superuser (trust authentication on 127.0.0.1). */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", superuser);
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** Starts the server and waits until it accepts connections. */
    public ScratchCluster start() {
        List<String> cmd = new ArrayList<>(List.of(binaries.tool("pg_ctl").toString(), "start", "-w", "-t", "120",
                "-D", dataDir.toString(), "-l", logFile().toString(), "-o",
                "-c port=" + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + baseDir));
        Processes.Result r = Processes.run(Processes.asPostgresUser(cmd), Map.of(), baseDir, TOOL_TIMEOUT);
        if (!r.ok()) {
            throw new ClusterException("PostgreSQL in " + dataDir + " did not start: " + r.output().strip()
                    + "\nServer log (" + logFile() + "):\n" + tailOfLog(), null);
        }
        running = true;
        log.info("PostgreSQL {} started on 127.0.0.1:{} ({})", binaries.version(), port, dataDir);
        return this;
    }

    /** Stops the server (fast shutdown: a clean checkpoint). */
    public void stop() {
        stop("fast");
    }

    /** Stops the server with {@code mode} = smart, fast or immediate (immediate = crash, needs recovery). */
    public void stop(String mode) {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            running = false;
            return;
        }
        Processes.Result r = Processes.run(Processes.asPostgresUser(List.of(binaries.tool("pg_ctl").toString(), "stop",
                "-w", "-t", "120", "-m", mode, "-D", dataDir.toString())), Map.of(), baseDir, TOOL_TIMEOUT);
        running = false;
        if (!r.ok() && Files.exists(dataDir.resolve("postmaster.pid"))) {
            throw new ClusterException("PostgreSQL in " + dataDir + " did not stop: " + r.output().strip(), null);
        }
    }

    public void restart() {
        stop();
        start();
    }

    /** The last lines of the server log, for error messages. */
    public String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server and removes the directories it owns (when created by the builder). */
    @Override
    public void close() {
        try {
            stop("immediate");
        } catch (DrException e) {
            log.warn("Could not stop PostgreSQL in {}: {}", dataDir, e.getMessage());
        }
        if (deleteOnClose) {
            try {
                PostgresBinaries.deleteTree(baseDir);
            } catch (IOException e) {
                log.warn("Could not remove {}: {}", baseDir, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "ScratchCluster[" + binaries.version() + " 127.0.0.1:" + port + " " + dataDir + "]";
    }

    /** A scratch cluster could not be created, started or stopped. */
    public static final class ClusterException extends DrException {
        private static final long serialVersionUID = 1L;

        public ClusterException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** Builds a scratch cluster. */
    public static final class Builder {
        private @Nullable PostgresBinaries binaries;
        private @Nullable Path baseDir;
        private @Nullable Path existingDataDir;
        private int port;
        private boolean dataChecksums = true;
        private String superuser = "postgres";
        private final Map<String, String> settings = new LinkedHashMap<>();
        private boolean deleteOnClose = true;

        private Builder() {
            settings.put("wal_level", "replica");
            settings.put("max_wal_senders", "10");
            settings.put("max_replication_slots", "10");
            settings.put("shared_buffers", "32MB");
            settings.put("max_connections", "50");
            settings.put("wal_sender_timeout", "30s");
        }

        /** The binaries; default: the newest installed distribution version. */
        public Builder binaries(PostgresBinaries b) {
            this.binaries = Objects.requireNonNull(b, "binaries");
            return this;
        }

        /** Where to create the cluster (a new directory); default: a new directory under the temp dir. */
        public Builder baseDir(Path dir) {
            this.baseDir = dir;
            return this;
        }

        /** Run an existing data directory (e.g. a restored one) instead of initdb. */
        public Builder existingDataDir(Path dataDir) {
            this.existingDataDir = dataDir;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataChecksums(boolean on) {
            this.dataChecksums = on;
            return this;
        }

        public Builder superuser(String name) {
            this.superuser = name;
            return this;
        }

        /** A server setting written to {@code postgresql.conf} at initdb time. */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** Keep the directories after {@link ScratchCluster#close()} (default: removed when created here). */
        public Builder keepOnClose() {
            this.deleteOnClose = false;
            return this;
        }

        /** Creates the cluster (initdb unless an existing data directory was given) without starting it. */
        public ScratchCluster create() {
            PostgresBinaries b = binaries != null ? binaries : PostgresBinaries.newestInstalled().orElseThrow(() ->
                    new ClusterException("No PostgreSQL installation found under /usr/lib/postgresql; install one "
                            + "(apt-get install postgresql-15) or pass binaries(PostgresBinaries.fromZonkyJar(...))", null));
            int p = port > 0 ? port : freePort();
            try {
                Path base = baseDir != null ? Files.createDirectories(baseDir)
                        : Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dr4j-pg-");
                Processes.makeTraversable(base);
                Path data;
                if (existingDataDir != null) {
                    data = existingDataDir;
                    // the postgres OS user must reach the directory (e.g. a restore under a root-only temp dir)
                    Processes.makeTraversable(data.toAbsolutePath().getParent());
                    Processes.chownToPostgres(base);
                    Processes.chownToPostgres(data);
                    setPrivate(data);
                } else {
                    data = base.resolve("data");
                    Processes.chownToPostgres(base);
                    List<String> cmd = new ArrayList<>(List.of(b.tool("initdb").toString(), "-D", data.toString(),
                            "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
                    if (dataChecksums) {
                        cmd.add("--data-checksums");
                    }
                    Processes.check(Processes.asPostgresUser(cmd), Map.of(), base, TOOL_TIMEOUT);
                    StringBuilder conf = new StringBuilder("\n# dr4j scratch cluster\n");
                    settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
                    Files.writeString(data.resolve("postgresql.conf"), conf.toString(),
                            java.nio.file.StandardOpenOption.APPEND);
                }
                return new ScratchCluster(b, base, data, p, deleteOnClose && existingDataDir == null || deleteOnClose && baseDir == null,
                        superuser);
            } catch (IOException e) {
                throw new ClusterException("Could not create a scratch cluster: " + e.getMessage(), e);
            }
        }

        /** Creates and starts the cluster. */
        public ScratchCluster start() {
            ScratchCluster c = create();
            try {
                return c.start();
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }

        private static void setPrivate(Path data) throws IOException {
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}
