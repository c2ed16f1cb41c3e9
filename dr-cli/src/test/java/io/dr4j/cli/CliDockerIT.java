package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;

import io.dr4j.core.internal.json.Json;
import io.dr4j.deploy.docker.DockerDeployer;
import io.dr4j.deploy.docker.DockerDeployerConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr plan run application-rollback} and {@code dr drill application-rollback} against a real Docker engine
 * (started by .ci/start-dockerd.sh), with two versions of a busybox httpd image built locally.
 */
@Tag("docker")
class CliDockerIT {
    private static final String V1 = "dr4j-cli-test/app:v1";
    private static final String V2 = "dr4j-cli-test/app:v2";
    private static String host;
    private static DockerDeployer admin;
    private static DockerClient client;

    @TempDir
    Path dir;
    private String name;

    @BeforeAll
    static void engine() throws Exception {
        host = startEngine();
        admin = DockerDeployer.create(DockerDeployerConfig.defaults().withHost(host));
        client = admin.client();
        build(V1, "v1");
        build(V2, "v2");
    }

    @AfterAll
    static void images() {
        for (String ref : List.of(V2, V1)) {
            try {
                client.removeImageCmd(ref).withForce(true).exec();
            } catch (RuntimeException e) {
                // still used by a container left behind
            }
        }
        admin.close();
    }

    @AfterEach
    void removeService() {
        if (name == null) {
            return;
        }
        for (Container c : client.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec()) {
            client.removeContainerCmd(c.getId()).withForce(true).exec();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DR_DEPLOY_DOCKER_HOST", host);
        env.put("DR_DEPLOY_DOCKER_MIN_READY", "500ms");
        return env;
    }

    private int startService(String image) throws IOException {
        name = "dr4j-cli-" + UUID.randomUUID().toString().substring(0, 8);
        int port = freePort();
        String id = client.createContainerCmd(image).withName(name).withEnv("PORT=" + port).withStopTimeout(3)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withInit(true)).exec().getId();
        client.startContainerCmd(id).exec();
        return port;
    }

    @Test
    void planRunRollsTheServiceBackOnDockerAndResumesAFailedRun() throws Exception {
        int port = startService(V1);
        Map<String, String> env = env();
        String health = "http://127.0.0.1:" + port + "/health";
        CliTest.Run noYes = CliTest.dr(env, "plan", "run", "application-rollback", "--service", name, "--health-url", health);
        assertThat(noYes.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noYes.err()).contains("--yes");

        // only one revision: nothing to roll back to, the plan fails at its first step (exit 1) and says how to resume
        CliTest.Run first = CliTest.dr(env, "plan", "run", "application-rollback", "--service", name, "--health-url",
                health, "--yes", "--monitor", "1s", "--deadline", "30s", "--report", dir.toString(), "--json");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(ExitCode.FAILED);
        JsonNode failed = Json.mapper().readTree(first.out());
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("report").get("steps").get(0).get("status").asText()).isEqualTo("FAILED");
        Path state = Path.of(failed.get("stateFile").asText());
        assertThat(state).exists();

        // the bad release arrives; the same run is resumed and rolls it back
        CliTest.Run deploy = CliTest.dr(env, "deploy", "docker", "--service", name, "--image", V2, "--deadline", "30s");
        assertThat(deploy.code()).as(deploy.out() + deploy.err()).isZero();
        assertThat(get(port, "/version")).isEqualTo("v2");
        CliTest.Run resumed = CliTest.dr(env, "plan", "run", "application-rollback", "--service", name, "--health-url",
                health, "--yes", "--monitor", "1s", "--deadline", "30s", "--report", dir.toString(),
                "--resume", state.toString());
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isEqualTo(ExitCode.OK);
        assertThat(resumed.err()).contains("identify-deployment: SUCCEEDED").contains("rollback: SUCCEEDED");
        assertThat(resumed.out()).contains("Recovery succeeded").contains("run " + failed.get("runId").asText())
                .contains("RTO").contains("MET");
        assertThat(get(port, "/version")).isEqualTo("v1");
        JsonNode report = Json.mapper().readTree(Files.readAllBytes(dir.resolve(failed.get("runId").asText() + ".json")));
        assertThat(report.get("drill").asBoolean()).isFalse();
        assertThat(report.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.get("steps").get(1).get("outputs").get("outcome").asText()).isEqualTo("ROLLBACK_COMPLETED");
    }

    @Test
    void drillDeploysABadReleaseAndRollsItBack() throws Exception {
        int port = startService(V1);
        CliTest.Run drill = CliTest.dr(env(), "drill", "application-rollback", "--service", name, "--bad-image", V2,
                "--health-url", "http://127.0.0.1:" + port + "/health", "--monitor", "1s", "--deadline", "30s",
                "--report", dir.toString(), "--json");
        assertThat(drill.code()).as(drill.out() + drill.err()).isEqualTo(ExitCode.OK);
        JsonNode out = Json.mapper().readTree(drill.out());
        assertThat(out.get("findings")).isEmpty();
        JsonNode report = out.get("report");
        assertThat(report.get("drill").asBoolean()).isTrue();
        assertThat(report.get("environment").get("image after the drill").asText()).isEqualTo(V1);
        assertThat(report.get("objectives").get(0).get("verdict").asText()).isEqualTo("MET");
        assertThat(get(port, "/version")).isEqualTo("v1");
    }

    static String get(int port, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body().trim();
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** busybox httpd serving /version and /health, with a HEALTHCHECK; no base image needed (FROM scratch). */
    private static void build(String ref, String version) throws IOException {
        Path ctx = Files.createTempDirectory("dr4j-cli-image-");
        Files.copy(Path.of("/bin/busybox"), ctx.resolve("busybox"));
        Files.createDirectories(ctx.resolve("www"));
        Files.writeString(ctx.resolve("www/version"), version + "\n");
        Files.writeString(ctx.resolve("www/health"), "ok\n");
        Files.writeString(ctx.resolve("Dockerfile"), String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/busybox",
                "COPY www /www",
                "CMD [\"/bin/busybox\", \"sh\", \"-c\", \"exec /bin/busybox httpd -f -p 127.0.0.1:${PORT:-8080} -h /www\"]",
                "HEALTHCHECK --interval=1s --timeout=5s --retries=4 CMD [\"/bin/busybox\", \"sh\", \"-c\", "
                        + "\"/bin/busybox wget -q -O /dev/null http://127.0.0.1:${PORT:-8080}/health\"]",
                ""));
        client.buildImageCmd(ctx.toFile()).withTags(Set.of(ref)).withPull(false).withRemove(true)
                .exec(new BuildImageResultCallback()).awaitImageId(2, TimeUnit.MINUTES);
        try (var files = Files.walk(ctx)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String startEngine() throws Exception {
        String given = System.getenv("DR4J_TEST_DOCKER_HOST");
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path script = Path.of("..", ".ci", "start-dockerd.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !out.startsWith("unix://")) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out.lines().reduce((a, b) -> b).orElseThrow();
    }
}
