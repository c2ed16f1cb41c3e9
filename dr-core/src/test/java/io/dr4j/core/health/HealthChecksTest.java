package io.dr4j.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in checks against a real JDK HttpServer and real sockets on 127.0.0.1. */
class HealthChecksTest {
    static HttpServer server;
    static String base;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> respond(ex, 200, "{\"status\":\"ok\",\"db\":\"up\"}"));
        server.createContext("/broken", ex -> respond(ex, 503, "{\"status\":\"down\"}"));
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "late");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @Test
    void httpIsUpOnTheExpectedStatusAndBody() {
        HealthResult r = HealthChecks.forHttp(URI.create(base + "/health")).bodyContains("\"status\":\"ok\"").check();
        assertThat(r.status()).isEqualTo(HealthStatus.UP);
        assertThat(r.details()).containsEntry("status", 200);
        assertThat(r.latency()).isPositive();
    }

    @Test
    void httpIsDownOnAnotherStatusAMissingTextOrNoServer() throws IOException {
        HealthResult status = HealthChecks.forHttp(URI.create(base + "/broken")).check();
        assertThat(status.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(status.message()).contains("HTTP 503").contains("expected [200]");
        assertThat(HealthChecks.forHttp(URI.create(base + "/broken")).expectStatus(200, 503).check().status())
                .isEqualTo(HealthStatus.UP);
        HealthResult body = HealthChecks.forHttp(URI.create(base + "/health")).bodyContains("maintenance").check();
        assertThat(body.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(body.message()).contains("does not contain 'maintenance'");
        HealthResult refused = HealthChecks.forHttp(URI.create("http://127.0.0.1:" + freePort() + "/health")).check();
        assertThat(refused.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(refused.message()).startsWith("Cannot reach http://127.0.0.1:");
    }

    @Test
    void httpTimesOutAsDownAndNeverShowsTheQueryString() {
        HealthResult r = HealthChecks.forHttp(URI.create(base + "/slow?token=s3cr3t")).timeout(Duration.ofMillis(300))
                .check();
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.message()).contains("within PT0.3S");
        assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
        assertThat(r.name() + r.message()).doesNotContain("s3cr3t");
    }

    @Test
    void tcpIsUpWhileSomethingListensAndDownAfter() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            HealthResult up = HealthChecks.forTcp("127.0.0.1", port).check();
            assertThat(up.status()).isEqualTo(HealthStatus.UP);
            assertThat(up.name()).isEqualTo("tcp:127.0.0.1:" + port);
        }
        HealthResult down = HealthChecks.forTcp("127.0.0.1", port).timeout(Duration.ofSeconds(1)).check();
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.message()).contains("Cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void everyBuiltInCheckIsNamedAndTimedTheSameWay(@TempDir Path dir) {
        TcpHealthCheck tcp = HealthChecks.forTcp("127.0.0.1", 5432);
        HttpHealthCheck http = HealthChecks.forHttp(URI.create(base + "/health?token=s3cr3t"));
        DiskSpaceHealthCheck disk = HealthChecks.forDiskSpace(dir, 0);
        assertThat(List.of(tcp, http, disk)).extracting(HealthCheck::name, HealthCheck::timeout).containsExactly(
                tuple("tcp:127.0.0.1:5432", Duration.ofSeconds(5)), tuple("http:" + base + "/health", Duration.ofSeconds(10)),
                tuple("disk:" + dir, Duration.ofSeconds(10)));
        // the setters return the concrete check, so its own settings still chain after them
        HttpHealthCheck renamed = http.named("api").timeout(Duration.ofSeconds(2)).expectStatus(200, 204);
        assertThat(renamed).isSameAs(http).hasToString("HttpHealthCheck[api]");
        assertThat(renamed.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(renamed.check().name()).isEqualTo("api");
        assertThat(disk.named("wal-disk").degradedBelow(0).check().name()).isEqualTo("wal-disk");
        assertThat(tcp.named("db")).hasToString("TcpHealthCheck[db]");
    }

    @Test
    void diskSpaceComparesFreeSpaceWithTheThresholds(@TempDir Path dir) {
        assertThat(HealthChecks.forDiskSpace(dir, 1).check().status()).isEqualTo(HealthStatus.UP);
        HealthResult down = HealthChecks.forDiskSpace(dir, Long.MAX_VALUE).check();
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.message()).contains("below the minimum");
        assertThat(down.details()).containsKeys("usableBytes", "totalBytes");
        assertThat(HealthChecks.forDiskSpace(dir, 1).degradedBelow(Long.MAX_VALUE).check().status())
                .isEqualTo(HealthStatus.DEGRADED);
        HealthResult missing = HealthChecks.forDiskSpace(dir.resolve("nope"), 1).check();
        assertThat(missing.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(missing.message()).contains("Does the path exist?");
    }

    @Test
    void compositeWorstWinsNonCriticalOnlyDegradesAndHangingOrThrowingMembersAreDown(@TempDir Path dir) {
        HealthCheck api = HealthChecks.forHttp(URI.create(base + "/health"));
        HealthCheck broken = HealthChecks.forHttp(URI.create(base + "/broken"));
        assertThat(HealthChecks.composite("all", api, HealthChecks.forDiskSpace(dir, 1)).check().status())
                .isEqualTo(HealthStatus.UP);
        assertThat(HealthChecks.composite("all", api, broken).check().status()).isEqualTo(HealthStatus.DOWN);
        HealthResult degraded = HealthChecks.composite("site").add(api).addNonCritical(broken).build().check();
        assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.message()).contains(broken.name()).contains("DOWN");

        HealthCheck hangs = new HealthCheck() {
            @Override
            public String name() {
                return "hangs";
            }

            @Override
            public HealthResult check() {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HealthResult.up("hangs", "late", Duration.ZERO);
            }

            @Override
            public Duration timeout() {
                return Duration.ofMillis(200);
            }
        };
        HealthCheck throwing = new HealthCheck() {
            @Override
            public String name() {
                return "throws";
            }

            @Override
            public HealthResult check() {
                throw new IllegalStateException("driver missing");
            }
        };
        long t0 = System.nanoTime();
        HealthResult r = HealthChecks.composite("mixed", api, hangs, throwing).check();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.details()).containsEntry("hangs", "DOWN: no answer within PT0.2S")
                .containsEntry("throws", "DOWN: check threw IllegalStateException: driver missing");
        assertThat(CompositeHealthCheck.runBounded(hangs).status()).isEqualTo(HealthStatus.DOWN);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
