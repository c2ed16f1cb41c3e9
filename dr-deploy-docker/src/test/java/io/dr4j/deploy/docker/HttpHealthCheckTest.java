package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpHealthCheckTest {
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", ex -> reply(ex, 200, "version v2"));
        server.createContext("/broken", ex -> reply(ex, 503, "down"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Test
    void upOn2xxWithExpectedBody() {
        HealthResult r = HttpHealthCheck.of(base + "/ok").expectBodyContaining("v2").check();

        assertThat(r.status()).isEqualTo(HealthStatus.UP);
        assertThat(r.details()).containsEntry("status", 200);
        assertThat(r.latency()).isPositive();
    }

    @Test
    void downOnWrongBodyOrStatusOrNoServer() {
        assertThat(HttpHealthCheck.of(base + "/ok").expectBodyContaining("v3").check().status())
                .isEqualTo(HealthStatus.DOWN);
        HealthResult broken = HttpHealthCheck.of(base + "/broken").check();
        assertThat(broken.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(broken.message()).contains("503");
        server.stop(0);
        HealthResult gone = HttpHealthCheck.of(base + "/ok").withTimeout(Duration.ofSeconds(1)).check();
        assertThat(gone.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(gone.message()).contains("failed");
    }

    @Test
    void nameAndMessagesHideUserInfoAndQuery() {
        HttpHealthCheck check = HttpHealthCheck.of("http://user:s3cret@127.0.0.1:" + server.getAddress().getPort()
                + "/broken?token=t0ps3cret");

        assertThat(check.name()).doesNotContain("s3cret").doesNotContain("t0ps3cret");
        assertThat(check.check().message()).doesNotContain("s3cret").doesNotContain("t0ps3cret");
        assertThat(check.toString()).doesNotContain("s3cret");
    }
}
