package io.dr4j.postgres.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The images the container tests run, built on this machine (no registry is reachable here), on the Docker engine
 * {@code .ci/start-dockerd.sh} starts: {@code dr4j/postgres-local:15} ({@code scripts/build-postgres-image.sh}: the
 * machine's PostgreSQL 15, uid 999 like the official image), and an impostor claiming PostgreSQL 16 for the
 * version check. Testcontainers reaches the engine through {@code DOCKER_HOST}, which failsafe sets (pom.xml).
 */
final class LocalImages {
    static final String PG15 = "dr4j/postgres-local:15";
    /** busybox and a {@code postgres} that only answers {@code --version} with 16.4: enough for the version check. */
    static final String CLAIMS_16 = "dr4j/postgres-claims-16:latest";
    private static boolean built;

    private LocalImages() {
    }

    /** Starts the engine and builds both images when missing (once per JVM). */
    static synchronized void build() {
        if (built) {
            return;
        }
        Path root = projectRoot();
        String host = run(root, List.of("bash", root.resolve(".ci/start-dockerd.sh").toString()), Map.of());
        host = host.lines().reduce((a, b) -> b).orElse("").trim();
        String expected = System.getenv("DOCKER_HOST");
        if (expected != null && !expected.equals(host)) {
            throw new IllegalStateException(".ci/start-dockerd.sh started the engine at " + host + " but DOCKER_HOST "
                    + "(what Testcontainers uses) is " + expected + ": run with -Ddr4j.docker.host=" + host);
        }
        run(root, List.of("bash", root.resolve("scripts/build-postgres-image.sh").toString(), "15", PG15),
                Map.of("DOCKER_HOST", host));
        String script = """
                set -eu
                if docker image inspect "$TAG" >/dev/null 2>&1; then exit 0; fi
                d=$(mktemp -d)
                trap 'rm -rf "$d"' EXIT
                mkdir -p "$d/bin" "$d/etc" "$d/tmp"
                cp -L /bin/busybox "$d/bin/busybox"
                ln -s busybox "$d/bin/sh"
                printf '#!/bin/sh\\necho "postgres (PostgreSQL) 16.4"\\n' > "$d/bin/postgres"
                chmod 755 "$d/bin/postgres"
                printf 'root:x:0:0:root:/:/bin/sh\\npostgres:x:70:70::/:/bin/sh\\n' > "$d/etc/passwd"
                printf 'root:x:0:\\npostgres:x:70:\\n' > "$d/etc/group"
                tar --numeric-owner -C "$d" -cf - . | docker import --change 'ENV PATH=/bin' - "$TAG" >/dev/null
                """;
        run(root, List.of("bash", "-c", script), Map.of("DOCKER_HOST", host, "TAG", CLAIMS_16));
        built = true;
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
            p.getOutputStream().close();
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
