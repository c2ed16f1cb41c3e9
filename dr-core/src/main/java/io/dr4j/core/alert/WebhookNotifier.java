package io.dr4j.core.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * Posts alerts as JSON to any HTTP endpoint, signed with HMAC-SHA256 so the receiver can check they come from
 * dr4j and were not replayed.
 *
 * <p>Body ({@code Content-Type: application/json}):
 * <pre>{@code
 * {"version":1,"severity":"CRITICAL","title":"...","message":"...","source":"backup-monitor",
 *  "dedupKey":"...","resolved":false,"fields":{...},"at":"2026-11-26T02:00:00Z"}
 * }</pre>
 * Headers:
 * <ul>
 *   <li>{@code X-Dr4j-Timestamp}: the Unix time (seconds) the request was signed</li>
 *   <li>{@code X-Dr4j-Signature}: {@code v1=} followed by the lower-case hex HMAC-SHA256, keyed with the shared
 *       secret, of the UTF-8 bytes of {@code <timestamp> + "." + <raw body>}</li>
 * </ul>
 * To verify: recompute the HMAC over the timestamp header, a dot and the raw body bytes exactly as received,
 * compare in constant time, and reject timestamps more than 5 minutes from now.
 */
public final class WebhookNotifier implements Notifier {
    public static final String TIMESTAMP_HEADER = "X-Dr4j-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Dr4j-Signature";

    private final HttpChannel channel;
    private final Secret hmacSecret;
    private final Clock clock;

    private WebhookNotifier(Builder b) {
        Secret url = b.requiredSecret(b.url, "Webhook channel " + b.label() + " has no URL: set dr.alert.webhook.url",
                null);
        this.hmacSecret = b.requiredSecret(b.hmacSecret, "Webhook channel " + b.label()
                + " has no HMAC secret: set dr.alert.webhook.hmac-secret (a random value shared with the receiver)",
                "The HMAC secret of webhook channel " + b.label()
                        + " is empty: set dr.alert.webhook.hmac-secret to a random value shared with the receiver");
        this.clock = b.clock;
        this.channel = b.channel("webhook", url);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return channel.name();
    }

    @Override
    public void notify(Alert alert) {
        byte[] body = HttpChannel.json(payload(alert));
        channel.post(alert, () -> {
            String ts = Long.toString(clock.instant().getEpochSecond());
            return Map.of(TIMESTAMP_HEADER, ts, SIGNATURE_HEADER, "v1=" + sign(hmacSecret, ts, body));
        }, body);
    }

    static Map<String, Object> payload(Alert alert) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("severity", alert.severity().name());
        m.put("title", alert.title());
        m.put("message", alert.message());
        m.put("source", alert.source());
        m.put("dedupKey", alert.dedupKey());
        m.put("resolved", alert.resolved());
        m.put("fields", new TreeMap<>(alert.fields()));
        m.put("at", alert.at().toString());
        return m;
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body} keyed with {@code secret}: what receivers recompute. */
    public static String sign(Secret secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.revealBytes(), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + name() + "]";
    }

    /** Builds a {@link WebhookNotifier}. */
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private @Nullable Secret url;
        private @Nullable Secret hmacSecret;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The receiver's URL; treated as a secret (URLs often carry tokens). */
        public Builder url(Secret url) {
            this.url = url;
            return this;
        }

        /** The shared secret the signature is keyed with. */
        public Builder hmacSecret(Secret secret) {
            this.hmacSecret = secret;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }
    }
}
