package io.dr4j.examples.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL image the Testcontainers examples run, built on this machine: no registry is reachable here, so
 * {@code scripts/build-postgres-image.sh} makes {@code dr4j/postgres-local:15} with {@code docker import} from the
 * machine's PostgreSQL 15 binaries, on the Docker engine {@code .ci/start-dockerd.sh} starts (idempotent; the image
 * is built once and kept). Testcontainers reaches that engine through {@code DOCKER_HOST}, which failsafe sets
 * (see this module's pom.xml) together with {@code TESTCONTAINERS_RYUK_DISABLED=true}.
 */
public final class LocalPostgresImage {
    /** The tag the script gives the image. */
    public static final String TAG = "dr4j/postgres-local:15";
    private static volatile DockerImageName image;

    private LocalPostgresImage() {
    }

    /** The image, built when missing, as a compatible substitute for {@code postgres}. */
    public static synchronized DockerImageName get() {
        if (image == null) {
            Path root = projectRoot();
            String host = run(root, List.of("bash", root.resolve(".ci/start-dockerd.sh").toString()), Map.of());
            host = host.lines().reduce((a, b) -> b).orElse("").trim();
            String expected = System.getenv("DOCKER_HOST");
            if (expected != null && !expected.equals(host)) {
                throw new IllegalStateException(".ci/start-dockerd.sh started the engine at " + host + " but "
                        + "DOCKER_HOST (what Testcontainers uses) is " + expected + ": run with -Ddr4j.docker.host="
                        + host);
            }
            run(root, List.of("bash", root.resolve("scripts/build-postgres-image.sh").toString(), "15", TAG),
                    Map.of("DOCKER_HOST", host));
            image = DockerImageName.parse(TAG).asCompatibleSubstituteFor("postgres");
        }
        return image;
    }

    private static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/build-postgres-image.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("scripts/build-postgres-image.sh not found above " + System.getProperty("user.dir"));
        }
        return dir;
    }

    private static String run(Path dir, List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 5 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
