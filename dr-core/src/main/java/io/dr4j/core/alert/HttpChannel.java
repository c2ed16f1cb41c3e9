package io.dr4j.core.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.dr4j.core.config.Secret;
import io.dr4j.core.internal.json.Json;

/** Posts JSON to an endpoint whose URL is a secret (Slack, webhooks, SMS gateways), with retries. */
final class HttpChannel {
    private static final ObjectWriter COMPACT = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Secret url;
    private final HttpClient client;
    private final RetryPolicy retry;
    private final Duration timeout;

    HttpChannel(String name, Secret url, HttpClient client, RetryPolicy retry, Duration timeout) {
        this.name = name;
        this.url = url;
        this.client = client;
        this.retry = retry;
        this.timeout = timeout;
        URI u = parse(url, name);
        if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
                || u.getHost() == null) {
            throw new io.dr4j.core.ConfigurationException("The URL of alert channel " + name
                    + " must be an absolute http(s) URL (value not shown: it is a secret)");
        }
    }

    static HttpClient defaultClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static URI parse(Secret url, String channel) {
        try {
            return URI.create(url.reveal().trim());
        } catch (IllegalArgumentException e) {
            throw new io.dr4j.core.ConfigurationException("The URL of alert channel " + channel
                    + " is not a valid URL (value not shown: it is a secret)");
        }
    }

    static byte[] json(Object body) {
        try {
            return COMPACT.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialize alert payload", e);
        }
    }

    /**
     * Posts {@code body}; the headers are computed for each try (a signature carries the time of the try).
     */
    void post(Alert alert, java.util.function.Supplier<Map<String, String>> headers, byte[] body) {
        URI uri = parse(url, name);
        Delivery.withRetries(name, retry, alert, () -> {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "dr4j-alerts")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.get().forEach(rb::header);
            HttpResponse<String> response;
            try {
                response = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Delivery.Transient(Delivery.describe(e) + " (endpoint " + Delivery.hostOf(uri) + ")");
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return;
            }
            String text = "HTTP " + status + snippet(response.body());
            if (status == 408 || status == 429 || status >= 500) {
                throw new Delivery.Transient(text);
            }
            throw new Delivery.Permanent(text + hint(status));
        });
    }

    private static String hint(int status) {
        return switch (status) {
            case 401, 403 -> ". The credentials (webhook URL, token or key) were refused: check them";
            case 404, 410 -> ". The endpoint does not exist (revoked webhook?): check the configured URL";
            case 400, 422 -> ". The payload was rejected: check the channel's configuration";
            default -> "";
        };
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip().replaceAll("\\p{Cntrl}", " ");
        return " (" + (s.length() > 200 ? s.substring(0, 200) + "..." : s) + ")";
    }

    String name() {
        return name;
    }
}
