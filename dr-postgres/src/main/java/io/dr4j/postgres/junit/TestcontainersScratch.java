package io.dr4j.postgres.junit;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.dr4j.core.config.Secret;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.restore.RecoveryLauncher;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A scratch server in a Testcontainers container, started for each restore and removed after it:
 * <ul>
 *   <li><b>logical</b> backups: a {@link PostgreSQLContainer}, restored with the machine's {@code pg_restore} over
 *   the container's port;</li>
 *   <li><b>physical</b> backups (with {@link #hostNetwork(String)} only): the backup is restored on this machine
 *   into a temporary directory (point-in-time recovery settings, the WAL spool), given to the uid:gid the image's
 *   server runs as, bind-mounted into a container of the image at the same path, and started there with the
 *   image's {@code postgres} on {@code 127.0.0.1} and a free port; WAL reaches the recovering server through the
 *   spool this JVM's prefetcher keeps filling. The image must hold the backup's major version (checked first, in a
 *   throwaway container) and the Docker engine must see this machine's file system (a local engine).</li>
 * </ul>
 *
 * <pre>{@code
 * ScratchProvider.testcontainers("postgres:15")                        // the usual case: a registry is reachable
 * TestcontainersScratch.image(DockerImageName.parse("my/pg:15").asCompatibleSubstituteFor("postgres"))
 * TestcontainersScratch.hostNetwork(image)                             // an engine without a bridge network
 * TestcontainersScratch.container(() -> new PostgreSQLContainer(image).withSharedMemorySize(1L << 30))
 * }</pre>
 */
public final class TestcontainersScratch implements ScratchProvider {
    private static final Logger log = LoggerFactory.getLogger(TestcontainersScratch.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<? extends PostgreSQLContainer> factory;
    private final String description;
    /** What each image said (by image id; one throwaway container per image and JVM). */
    private static final Map<String, ContainerRecovery.ImageFacts> FACTS = new ConcurrentHashMap<>();

    /** The image of a host-network scratch (physical restores), else null. */
    private final @Nullable DockerImageName hostNetworkImage;

    private TestcontainersScratch(Supplier<? extends PostgreSQLContainer> factory, String description,
                                  @Nullable DockerImageName hostNetworkImage) {
        this.factory = factory;
        this.description = description;
        this.hostNetworkImage = hostNetworkImage;
    }

    /**
     * A container of {@code image} ({@code "postgres:15"}, or any image behaving like it, used as a compatible
     * substitute for {@code postgres}), user {@code dr4j}, a random password.
     */
    public static TestcontainersScratch image(String image) {
        return image(substitute(image));
    }

    /** {@link #hostNetwork(DockerImageName)} of an image name, used as a compatible substitute for {@code postgres}. */
    public static TestcontainersScratch hostNetwork(String image) {
        return hostNetwork(substitute(image));
    }

    private static DockerImageName substitute(String image) {
        return DockerImageName.parse(Objects.requireNonNull(image, "image")).asCompatibleSubstituteFor("postgres");
    }

    /** A container of {@code image} (a substitute: {@code .asCompatibleSubstituteFor("postgres")}). */
    public static TestcontainersScratch image(DockerImageName image) {
        Objects.requireNonNull(image, "image");
        return new TestcontainersScratch(() -> withCredentials(new PostgreSQLContainer(image)),
                "container " + image.asCanonicalNameString(), null);
    }

    /**
     * A container on the host's network, its server listening on a free port of 127.0.0.1: for Docker engines
     * without a bridge network ({@code dockerd --bridge=none}, some CI sandboxes), where ports cannot be mapped.
     */
    public static TestcontainersScratch hostNetwork(DockerImageName image) {
        Objects.requireNonNull(image, "image");
        return new TestcontainersScratch(() -> withCredentials(new HostNetworkContainer(image)),
                "container " + image.asCanonicalNameString() + " (host network)", image);
    }

    /**
     * Containers made by {@code factory} (not started; user, password and database as the factory sets them), for
     * logical restores; physical ones need {@link #hostNetwork(DockerImageName)}.
     */
    public static TestcontainersScratch container(Supplier<? extends PostgreSQLContainer> factory) {
        return new TestcontainersScratch(Objects.requireNonNull(factory, "factory"), "container", null);
    }

    private static PostgreSQLContainer withCredentials(PostgreSQLContainer c) {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return c.withUsername("dr4j").withPassword(HexFormat.of().formatHex(b)).withDatabaseName("postgres");
    }

    @Override
    public String name() {
        return "Testcontainers";
    }

    @Override
    public PostgresBinaries binaries(int major) {
        throw new Unavailable("the container's server runs a restored data directory through recoveryLauncher(), "
                + "not with binaries of this machine", null);
    }

    /**
     * A launcher running the restored data directory in a container of the image, on the host's network; checks first
     * (once per image, in a throwaway container) that the image's server is of {@code major} and which uid:gid it
     * runs as.
     *
     * @throws Unavailable without a Docker engine, without host networking, or when the image's major version differs
     */
    @Override
    public Optional<RecoveryLauncher> recoveryLauncher(int major) {
        DockerImageName img = hostNetworkImage;
        if (img == null) {
            throw new Unavailable(description + ": a physical restore runs the image's server on this machine's "
                    + "network (127.0.0.1 and a free port) with the restored data directory bind-mounted: use "
                    + "TestcontainersScratch.hostNetwork(image) (@RestoredDatabase(hostNetwork = true))", null);
        }
        String what = description;
        requireEngine();
        ContainerRecovery.ImageFacts f = FACTS.computeIfAbsent(imageKey(img), k -> ContainerRecovery.probe(img));
        String refusal = ContainerRecovery.mismatch(img, f, major);
        if (refusal != null) {
            throw new Unavailable(refusal, null);
        }
        return Optional.of(new ContainerRecovery(img, f, what));
    }

    /** The image's id when the engine has it (a rebuilt tag is asked again), else its name (pulled by the probe). */
    private static String imageKey(DockerImageName image) {
        try {
            return DockerClientFactory.instance().client().inspectImageCmd(image.asCanonicalNameString()).exec().getId();
        } catch (RuntimeException e) {
            return image.asCanonicalNameString();
        }
    }

    private static void requireEngine() {
        try {
            DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            String host = System.getenv("DOCKER_HOST");
            throw new Unavailable("Testcontainers found no Docker engine (" + e.getMessage() + "; DOCKER_HOST is "
                    + (host == null ? "not set" : host) + "): start one, or point DOCKER_HOST at it, e.g. "
                    + "DOCKER_HOST=unix:///var/run/docker.sock", e);
        }
    }

    @Override
    public ScratchServer start(int major) {
        requireEngine();
        PostgreSQLContainer c = factory.get();
        String what = description.equals("container") ? "container " + c.getDockerImageName() : description;
        try {
            c.start();
        } catch (RuntimeException e) {
            stopQuietly(c);
            throw new Unavailable(what + " did not start: " + e.getMessage() + (e.getCause() != null
                    ? " (" + e.getCause().getMessage() + ")" : "") + "; container log:\n" + logsOf(c), e);
        }
        try {
            int serverMajor = serverMajor(c);
            if (serverMajor < major) {
                throw new Unavailable(what + " runs PostgreSQL " + serverMajor + ", older than the dump's server "
                        + major + ": use an image of " + major + " or newer", null);
            }
            log.info("Scratch {} started: PostgreSQL {} on {}:{}", what, serverMajor, c.getHost(),
                    c.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT));
            return new ScratchServer(c.getHost(), c.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT), serverMajor,
                    c.getUsername(), Secret.of(c.getPassword()), what, c::stop);
        } catch (RuntimeException e) {
            stopQuietly(c);
            throw e;
        }
    }

    private static int serverMajor(PostgreSQLContainer c) {
        Properties p = new Properties();
        p.setProperty("user", c.getUsername());
        p.setProperty("password", c.getPassword());
        p.setProperty("connectTimeout", "10");
        try (Connection conn = DriverManager.getConnection(c.getJdbcUrl(), p); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        } catch (SQLException e) {
            throw new Unavailable("container " + c.getDockerImageName() + " started but does not accept connections "
                    + "on " + c.getHost() + ":" + c.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + ": "
                    + e.getMessage(), e);
        }
    }

    private static String logsOf(PostgreSQLContainer c) {
        try {
            String logs = c.getLogs();
            List<String> lines = logs.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void stopQuietly(PostgreSQLContainer c) {
        try {
            c.stop();
        } catch (RuntimeException e) {
            log.warn("Could not remove container {}: {}", c.getContainerId(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name() + " " + description;
    }

    /**
     * A {@link PostgreSQLContainer} on the host's network: no port mapping, the server listens on {@code port} of
     * 127.0.0.1 ({@code -c port=N -c listen_addresses=127.0.0.1}), and {@link #getMappedPort(int)} answers that port
     * for 5432. The image's entrypoint must pass {@code -c} options to the server, as the official image does.
     */
    public static class HostNetworkContainer extends PostgreSQLContainer {
        private final int port;

        /** On a free port of 127.0.0.1. */
        public HostNetworkContainer(DockerImageName image) {
            this(image, ScratchCluster.freePort());
        }

        public HostNetworkContainer(DockerImageName image, int port) {
            super(image);
            this.port = port;
            withNetworkMode("host");
            setExposedPorts(List.of());
            setCommand("postgres", "-c", "fsync=off", "-c", "port=" + port, "-c", "listen_addresses=127.0.0.1");
        }

        /** The port the server listens on, on 127.0.0.1. */
        public int port() {
            return port;
        }

        @Override
        public String getHost() {
            return "127.0.0.1";
        }

        @Override
        public Integer getMappedPort(int originalPort) {
            return originalPort == POSTGRESQL_PORT ? port : super.getMappedPort(originalPort);
        }
    }
}
