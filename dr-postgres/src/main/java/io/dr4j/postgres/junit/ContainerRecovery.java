package io.dr4j.postgres.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;

import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.postgres.cluster.FileOwner;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.restore.RecoveryLauncher;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs a physically restored data directory in a container of a PostgreSQL image: the restore happens on this
 * machine (download, recovery settings, the WAL spool the prefetcher fills under {@code pg_wal}); the data directory
 * is given to the uid:gid the image's server runs as and bind-mounted into the container at the same path, so the
 * generated {@code restore_command} (a shell script reading the spool) works inside; the image's {@code postgres}
 * runs it on the host's network, on {@code 127.0.0.1:port}.
 */
final class ContainerRecovery implements RecoveryLauncher {
    private static final Logger log = LoggerFactory.getLogger(ContainerRecovery.class);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?");
    /** Run in a throwaway container: the server's uid and gid (root images switch to postgres), then its version. */
    private static final String PROBE = "if [ \"$(id -u)\" = 0 ]; then id -u postgres; id -g postgres; "
            + "else id -u; id -g; fi; postgres --version";

    /**
     * What a throwaway container of the image said.
     *
     * @param owner   the uid and gid its server runs as
     * @param version {@code postgres --version}'s version, e.g. {@code 15.18}
     * @param major   its major version
     */
    record ImageFacts(FileOwner owner, String version, int major) {
    }

    private final DockerImageName image;
    private final ImageFacts facts;
    private final FileOwner owner;
    private final String description;
    private volatile @Nullable Started started;

    ContainerRecovery(DockerImageName image, ImageFacts facts, String description) {
        this.image = image;
        this.facts = facts;
        this.owner = Processes.isRoot() ? facts.owner() : ownUser();
        this.description = description;
    }

    /** Runs {@code id} and {@code postgres --version} in a throwaway container of {@code image} (no network). */
    static ImageFacts probe(DockerImageName image) {
        String out;
        try (GenericContainer<?> c = new GenericContainer<>(image).withNetworkMode("none")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c", PROBE).withCmd(List.of()))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            try {
                c.start();
                out = c.getLogs(OutputFrame.OutputType.STDOUT);
            } catch (RuntimeException e) {
                throw new ScratchProvider.Unavailable("could not ask image " + image.asCanonicalNameString()
                        + " which PostgreSQL it holds (sh -c '" + PROBE + "' in a container of it): " + message(e)
                        + tail(c), e);
            }
        }
        List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        Matcher m = VERSION.matcher(out);
        if (lines.size() < 3 || !lines.get(0).matches("\\d+") || !lines.get(1).matches("\\d+") || !m.find()) {
            throw new ScratchProvider.Unavailable("image " + image.asCanonicalNameString() + " did not answer like a "
                    + "PostgreSQL image (expected the postgres user's uid and gid and 'postgres (PostgreSQL) N.N' from "
                    + "sh -c '" + PROBE + "'; it said: " + out.strip() + "): use a postgres image", null);
        }
        return new ImageFacts(new FileOwner(Integer.parseInt(lines.get(0)), Integer.parseInt(lines.get(1))),
                m.group(1) + (m.group(2) == null ? "" : m.group(2)), Integer.parseInt(m.group(1)));
    }

    /** The refusal when the image's server is not of the backup's major version, or null when it is. */
    static @Nullable String mismatch(DockerImageName image, ImageFacts facts, int backupMajor) {
        if (facts.major() == backupMajor) {
            return null;
        }
        return "image " + image.asCanonicalNameString() + " runs PostgreSQL " + facts.version()
                + " but the backup is of PostgreSQL " + backupMajor + ": a physical restore needs a server of the "
                + "backup's major version. Use an image of PostgreSQL " + backupMajor + ": image = \"postgres:" + backupMajor + "\" "
                + "(TestcontainersScratch.hostNetwork(\"postgres:" + backupMajor + "\"))";
    }

    @Override
    public FileOwner owner() {
        return owner;
    }

    @Override
    public void check(int majorVersion) {
        String refusal = mismatch(image, facts, majorVersion);
        if (refusal != null) {
            throw new RestoreFailedException("Cannot run the restored data directory in a container: " + refusal);
        }
    }

    @Override
    public Running start(Path dataDir, int port, int majorVersion) {
        String data = dataDir.toAbsolutePath().toString();
        try {
            // PostgreSQL refuses a data directory others can read
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new RestoreFailedException("Cannot make " + data + " private (0700): " + e.getMessage(), e);
        }
        // the data directory and the tablespaces it links to, at the same paths inside (bind mounts given to the
        // create command directly: Testcontainers' withFileSystemBind first checks mounting with an alpine image)
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(data, new Volume(data), AccessMode.rw));
        for (Path t : tablespaces(dataDir)) {
            binds.add(new Bind(t.toString(), new Volume(t.toString()), AccessMode.rw));
        }
        LogTail logs = new LogTail();
        GenericContainer<?> c = new GenericContainer<>(image).withNetworkMode("host")
                .withLabel("io.dr4j.restored-data-directory", data)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withEntrypoint("postgres").withUser(owner.toString());
                    HostConfig hc = cmd.getHostConfig() != null ? cmd.getHostConfig() : HostConfig.newHostConfig();
                    cmd.withHostConfig(hc.withBinds(binds));
                })
                .withLogConsumer(logs)
                .withStartupAttempts(1)
                .withCommand("-D", data, "-c", "port=" + port, "-c", "listen_addresses=127.0.0.1",
                        "-c", "unix_socket_directories=/tmp", "-c", "logging_collector=off")
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy())
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                        // the restore waits for the end of recovery on 127.0.0.1:port itself
                    }
                });
        try {
            c.start();
        } catch (RuntimeException e) {
            stopQuietly(c);
            String tail = logs.text();
            throw new RestoreFailedException("The restored data directory " + data + " did not start in a container of "
                    + image.asCanonicalNameString() + " (as uid:gid " + owner + "): " + message(e)
                    + (tail.isBlank() ? "" : "; container log:\n" + tail)
                    + "\nThe Docker engine must see this machine's file system at the same path (a local engine), "
                    + "and the image's server must be PostgreSQL " + majorVersion, e);
        }
        Started s = new Started(c, port, logs);
        started = s;
        log.info("Restored data directory {} runs in container {} of {} as uid:gid {} on 127.0.0.1:{}", data,
                shortId(c), image.asCanonicalNameString(), owner, port);
        return s;
    }

    /** The server started by {@link #start}, if any. */
    @Nullable Started started() {
        return started;
    }

    /** Stops and removes the container this launcher started (no-op when none). */
    void stop() {
        Started s = started;
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public String toString() {
        return description + " PostgreSQL " + facts.version();
    }

    /** Tablespace directories the data directory links to (pg_tblspc/OID): mounted at the same path too. */
    private static List<Path> tablespaces(Path dataDir) {
        List<Path> out = new ArrayList<>();
        Path dir = dataDir.resolve("pg_tblspc");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path link : s.toList()) {
                if (Files.isSymbolicLink(link)) {
                    Path target = Files.readSymbolicLink(link);
                    out.add((target.isAbsolute() ? target : link.getParent().resolve(target)).normalize());
                }
            }
        } catch (IOException e) {
            throw new RestoreFailedException("Cannot read the tablespace links in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static FileOwner ownUser() {
        try {
            Path probe = Files.createTempFile("dr4j-uid-", ".tmp");
            try {
                return FileOwner.of(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new ScratchProvider.Unavailable("cannot find this process's uid and gid (to run the container's "
                    + "server as them): " + e.getMessage(), e);
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        Throwable cause = e.getCause();
        return (m == null ? e.getClass().getSimpleName() : m) + (cause != null && cause.getMessage() != null
                && !Objects.equals(cause.getMessage(), m) ? " (" + cause.getMessage() + ")" : "");
    }

    /** The last lines of the container's log, prefixed for a message, or "" when there is none. */
    static String tail(GenericContainer<?> c) {
        String logs = logTail(c);
        return logs.isBlank() ? "" : "; container log:\n" + logs;
    }

    static String logTail(GenericContainer<?> c) {
        if (c.getContainerId() == null) {
            return "";
        }
        try {
            List<String> lines = c.getLogs().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (RuntimeException e) {
            return "(no container log: " + e.getMessage() + ")";
        }
    }

    static String shortId(GenericContainer<?> c) {
        String id = c.getContainerId();
        return id == null ? "(not created)" : id.substring(0, Math.min(12, id.length()));
    }

    static void stopQuietly(GenericContainer<?> c) {
        try {
            c.stop();
        } catch (RuntimeException e) {
            log.warn("Could not remove container {}: {}", shortId(c), e.getMessage());
        }
    }

    /** The last lines a container wrote (stdout and stderr), kept after the container is removed. */
    static final class LogTail implements java.util.function.Consumer<OutputFrame> {
        private static final int MAX = 32 * 1024;
        private final StringBuilder sb = new StringBuilder();

        @Override
        public synchronized void accept(OutputFrame frame) {
            sb.append(frame.getUtf8String());
            if (sb.length() > MAX) {
                sb.delete(0, sb.length() - MAX);
            }
        }

        /** The last 40 lines. */
        synchronized String text() {
            List<String> lines = sb.toString().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /** A container running a restored data directory. */
    final class Started implements Running {
        private final GenericContainer<?> container;
        private final int port;
        private final String id;
        private final LogTail logs;

        Started(GenericContainer<?> container, int port, LogTail logs) {
            this.container = container;
            this.port = port;
            this.id = shortId(container);
            this.logs = logs;
        }

        String containerId() {
            return Objects.requireNonNull(container.getContainerId());
        }

        @Override
        public boolean alive() {
            try {
                return container.isRunning();
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public String logTail() {
            String tail = logs.text();
            return tail.isBlank() ? ContainerRecovery.logTail(container) : tail;
        }

        @Override
        public String description() {
            return "container " + id + " of " + image.asCanonicalNameString() + ", uid:gid " + owner + ", port " + port;
        }

        @Override
        public void stop() {
            stopQuietly(container);
        }
    }
}
