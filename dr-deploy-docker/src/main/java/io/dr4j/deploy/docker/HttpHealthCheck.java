package io.dr4j.deploy.docker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import org.jspecify.annotations.Nullable;

/**
 * GET on an HTTP endpoint: UP when the status is 2xx (and the body contains the expected text, if one is given),
 * DOWN otherwise, with the reason. Reads at most 64 KiB of the body. The URI's user info and query are not shown
 * in the check's name or messages (they may carry tokens).
 */
public final class HttpHealthCheck implements HealthCheck {
    private static final int MAX_BODY = 64 * 1024;

    private final URI uri;
    private final Duration timeout;
    private final @Nullable String expectBody;
    private final String name;

    private HttpHealthCheck(URI uri, Duration timeout, @Nullable String expectBody) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.expectBody = expectBody;
        this.name = "http:" + shown(uri);
    }

    public static HttpHealthCheck of(URI uri) {
        return new HttpHealthCheck(uri, Duration.ofSeconds(5), null);
    }

    public static HttpHealthCheck of(String uri) {
        return of(URI.create(uri));
    }

    /** UP only when the response body contains {@code text}. */
    public HttpHealthCheck expectBodyContaining(String text) {
        return new HttpHealthCheck(uri, timeout, Objects.requireNonNull(text, "text"));
    }

    public HttpHealthCheck withTimeout(Duration t) {
        return new HttpHealthCheck(uri, t, expectBody);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            }
            int code = resp.statusCode();
            Map<String, Object> details = Map.of("status", code);
            if (code < 200 || code > 299) {
                return result(HealthStatus.DOWN, "HTTP " + code + " from " + shown(uri), details, t0);
            }
            if (expectBody != null && !body.contains(expectBody)) {
                return result(HealthStatus.DOWN, "HTTP " + code + " from " + shown(uri)
                        + " but the body does not contain '" + expectBody + "'", details, t0);
            }
            return result(HealthStatus.UP, "HTTP " + code + " from " + shown(uri), details, t0);
        } catch (IOException e) {
            return result(HealthStatus.DOWN, "GET " + shown(uri) + " failed: " + e, Map.of(), t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(HealthStatus.DOWN, "interrupted", Map.of(), t0);
        }
    }

    private HealthResult result(HealthStatus s, String message, Map<String, Object> details, long t0) {
        return new HealthResult(name, s, message, details, Duration.ofNanos(System.nanoTime() - t0), Instant.now());
    }

    private static String shown(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    @Override
    public String toString() {
        return "HttpHealthCheck[" + name + "]";
    }
}
