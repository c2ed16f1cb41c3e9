package io.dr4j.core.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * HTTP GET with the JDK {@link HttpClient}: UP when the status is one of the expected ones (200 by default) and the
 * body contains the expected text (when set). Reads at most 64 KiB of the body. The URI's query string and user info
 * are never shown in names or messages (they may carry tokens).
 */
public final class HttpHealthCheck extends AbstractHealthCheck<HttpHealthCheck> {
    private static final int MAX_BODY = 64 * 1024;
    private final URI uri;
    private Set<Integer> expectedStatus = Set.of(200);
    private @Nullable String bodyContains;

    HttpHealthCheck(URI uri) {
        super("http:" + redact(checked(uri)), Duration.ofSeconds(10));
        this.uri = uri;
    }

    private static URI checked(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not an http(s) URI: " + redact(uri) + ". Use e.g. http://host:8080/health");
        }
        return uri;
    }

    static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** The statuses that count as UP (default 200). */
    public HttpHealthCheck expectStatus(Integer... statuses) {
        this.expectedStatus = Set.of(statuses);
        return this;
    }

    /** A text the body must contain (in the first 64 KiB). */
    public HttpHealthCheck bodyContains(String text) {
        this.bodyContains = Objects.requireNonNull(text, "text");
        return this;
    }

    @Override
    public HealthResult check() {
        String name = name();
        Duration timeout = timeout();
        long t0 = System.nanoTime();
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            }
            Duration latency = elapsedSince(t0);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", response.statusCode());
            if (!expectedStatus.contains(response.statusCode())) {
                return HealthResult.down(name, "HTTP " + response.statusCode() + " from " + redact(uri)
                        + ", expected " + expectedStatus, latency).withDetails(details);
            }
            if (bodyContains != null && !body.contains(bodyContains)) {
                return HealthResult.down(name, "HTTP " + response.statusCode() + " from " + redact(uri)
                        + " but the body does not contain '" + bodyContains + "'", latency).withDetails(details);
            }
            return HealthResult.up(name, "HTTP " + response.statusCode() + " from " + redact(uri), latency)
                    .withDetails(details);
        } catch (HttpTimeoutException e) {
            return HealthResult.down(name, "No answer from " + redact(uri) + " within " + timeout,
                    elapsedSince(t0));
        } catch (IOException e) {
            return HealthResult.down(name, "Cannot reach " + redact(uri) + ": " + describe(e),
                    elapsedSince(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthResult.down(name, "Interrupted while checking " + redact(uri),
                    elapsedSince(t0));
        } catch (RuntimeException e) {
            return HealthResult.down(name, "Check of " + redact(uri) + " failed: " + describe(e),
                    elapsedSince(t0));
        } finally {
            closeQuietly(client);
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void closeQuietly(HttpClient client) {
        if (client instanceof AutoCloseable c) { // JDK 21+
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
