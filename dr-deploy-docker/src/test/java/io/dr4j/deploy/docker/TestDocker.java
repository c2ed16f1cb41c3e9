package io.dr4j.deploy.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Docker engine for the tests: started with {@code .ci/start-dockerd.sh} (which installs docker.io and
 * busybox-static when missing), and the test images built locally — no registry is reachable:
 * <ul>
 *   <li>{@code dr4j-test/busybox:base}: {@code docker import} of a root file system holding only a static busybox;</li>
 *   <li>{@code dr4j-test/app:v1}, {@code :v2}: busybox httpd serving {@code /version} and {@code /health} on
 *       {@code 127.0.0.1:$PORT}, with a HEALTHCHECK that GETs {@code /health};</li>
 *   <li>{@code dr4j-test/app:v3-bad}: the same without {@code /health}, so its HEALTHCHECK fails.</li>
 * </ul>
 * One instance per test JVM (JUnit root store); closing it removes the images. Use as a parameter of a
 * {@code @BeforeAll} method with {@code @ExtendWith(TestDocker.Extension.class)}.
 */
final class TestDocker implements AutoCloseable {
    static final String BASE = "dr4j-test/busybox:base";
    static final String V1 = "dr4j-test/app:v1";
    static final String V2 = "dr4j-test/app:v2";
    static final String BAD = "dr4j-test/app:v3-bad";

    final String host;
    final DockerDeployer admin; // owns the client the fixture uses
    final DockerClient client;

    private TestDocker() {
        host = startEngine();
        admin = DockerDeployer.create(DockerDeployerConfig.defaults().withHost(host));
        client = admin.client();
        importBase();
        build(V1, "v1", true);
        build(V2, "v2", true);
        build(BAD, "v3", false);
    }

    /** Resolves {@link TestDocker} parameters to the one instance of this test JVM. */
    static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == TestDocker.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(TestDocker.class, k -> new TestDocker(), TestDocker.class);
        }
    }

    /** A new deployer on the test engine (a fresh client, as a restarted process would have). */
    DockerDeployer newDeployer() {
        return DockerDeployer.create(DockerDeployerConfig.defaults().withHost(host).withMinReady(Duration.ofMillis(500)));
    }

    /**
     * Creates and starts a container like an operator would: host network, {@code PORT} in its env, an init
     * process, restart policy unless-stopped, stop signal SIGINT with a 3 s stop timeout, and operator labels.
     */
    String startService(String name, String image, int port, Map<String, String> labels) {
        String id = client.createContainerCmd(image).withName(name)
                .withEnv("PORT=" + port, "OPERATOR_SETTING=kept")
                .withStopTimeout(3).withStopSignal("SIGINT")
                .withLabels(labels)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withInit(true)
                        .withRestartPolicy(RestartPolicy.unlessStoppedRestart()))
                .exec().getId();
        client.startContainerCmd(id).exec();
        return id;
    }

    /** Removes the service's container and every container dr4j kept for it. */
    void removeService(String name) {
        List<Container> all = client.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec();
        for (Container c : all) {
            String n = ServiceResolver.name(c);
            if (n.equals(name) || n.startsWith(name + ".dr4j-")) {
                try {
                    client.removeContainerCmd(c.getId()).withForce(true).exec();
                } catch (NotFoundException e) {
                    // already gone
                }
            }
        }
    }

    /** Names of the containers named {@code name} or {@code name.dr4j-*}. */
    List<String> containersOf(String name) {
        List<String> out = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec()) {
            String n = ServiceResolver.name(c);
            if (n.equals(name) || n.startsWith(name + ".dr4j-")) {
                out.add(n);
            }
        }
        return out;
    }

    InspectContainerResponse inspect(String name) {
        return client.inspectContainerCmd(name).exec();
    }

    String imageId(String ref) {
        return client.inspectImageCmd(ref).exec().getId();
    }

    /** Whether the container {@code name} is running {@code image} (compared by image id). */
    boolean runs(String name, String image) {
        try {
            InspectContainerResponse c = inspect(name);
            return Boolean.TRUE.equals(c.getState().getRunning()) && c.getImageId().equals(imageId(image));
        } catch (NotFoundException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET http://127.0.0.1:port/path, retried for up to 10 s while the server starts; the body, trimmed. */
    static String get(int port, String path) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + path)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() + " " + r.body().trim();
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw new UncheckedIOException(e);
                }
                sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String startEngine() {
        String given = System.getenv("DR4J_TEST_DOCKER_HOST");
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(".ci/start-dockerd.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(".ci/start-dockerd.sh not found above " + System.getProperty("user.dir"));
        }
        try {
            Process p = new ProcessBuilder("bash", dir.resolve(".ci/start-dockerd.sh").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !out.startsWith("unix://")) {
                throw new IllegalStateException(".ci/start-dockerd.sh failed (exit " + p.exitValue() + "): " + out);
            }
            return out.lines().reduce((a, b) -> b).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The base image: a root file system tar with a static busybox and its applet links, imported as an image
     * ({@code FROM scratch} + {@code ADD rootfs.tar /}, which is what {@code docker import} does).
     */
    private void importBase() {
        Path busybox = Path.of("/bin/busybox");
        Path ctx;
        try {
            ctx = Files.createTempDirectory("dr4j-base-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(ctx.resolve("rootfs.tar")))) {
            dir(tar, "bin/");
            dir(tar, "www/");
            TarArchiveEntry tmp = new TarArchiveEntry("tmp/");
            tmp.setMode(01777);
            tar.putArchiveEntry(tmp);
            tar.closeArchiveEntry();
            TarArchiveEntry bb = new TarArchiveEntry("bin/busybox");
            bb.setMode(0755);
            bb.setSize(Files.size(busybox));
            tar.putArchiveEntry(bb);
            Files.copy(busybox, tar);
            tar.closeArchiveEntry();
            for (String applet : List.of("sh", "httpd", "wget", "cat", "echo", "sleep", "true", "false")) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack /bin/busybox (install busybox-static)", e);
        }
        buildContext(ctx, BASE, "FROM scratch\nADD rootfs.tar /\n");
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private void build(String ref, String version, boolean healthy) {
        try {
            Path ctx = Files.createTempDirectory("dr4j-image-");
            Files.createDirectories(ctx.resolve("www"));
            Files.writeString(ctx.resolve("www/version"), version + "\n");
            if (healthy) {
                Files.writeString(ctx.resolve("www/health"), "ok\n");
            }
            Files.writeString(ctx.resolve("Dockerfile"), String.join("\n",
                    "FROM " + BASE,
                    "COPY www /www",
                    "ENV APP_VERSION=" + version,
                    "LABEL io.dr4j.test.version=" + version,
                    "CMD [\"sh\", \"-c\", \"exec httpd -f -p 127.0.0.1:${PORT:-8080} -h /www\"]",
                    "HEALTHCHECK --interval=1s --timeout=5s --retries=4 "
                            + "CMD wget -q -O /dev/null http://127.0.0.1:${PORT:-8080}/health || exit 1",
                    ""));
            buildContext(ctx, ref, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void buildContext(Path ctx, String ref, String dockerfile) {
        try {
            if (dockerfile != null) {
                Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
            }
            client.buildImageCmd(ctx.toFile()).withTags(Set.of(ref)).withPull(false).withRemove(true)
                    .exec(new BuildImageResultCallback()).awaitImageId(2, TimeUnit.MINUTES);
            try (var files = Files.walk(ctx)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (String ref : List.of(BAD, V2, V1, BASE)) {
            try {
                client.removeImageCmd(ref).withForce(true).exec();
            } catch (RuntimeException e) {
                // in use by a container another test left behind, or gone already
            }
        }
        admin.close();
    }
}
