package io.dr4j.core.alert;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * Sends alerts as text messages through an SMS gateway that accepts a JSON webhook (Twilio Functions, a self-hosted
 * gateway, an internal relay). One request per alert:
 *
 * <pre>{@code
 * {"to":["+4915112345678"],"text":"[CRITICAL] Newest backup is too old: ..."}
 * }</pre>
 *
 * with {@code Authorization: Bearer <token>} when a token is configured. The text is cut to {@code maxLength}
 * characters (160 by default, one SMS). The gateway URL and token are secrets.
 */
public final class SmsNotifier implements Notifier {
    private final HttpChannel channel;
    private final @Nullable Secret token;
    private final List<String> recipients;
    private final int maxLength;

    private SmsNotifier(Builder b) {
        HttpChannel.required(b.gatewayUrl, "SMS channel " + b.label + " has no gateway URL: set dr.alert.sms.webhook-url");
        if (b.recipients.isEmpty()) {
            throw new io.dr4j.core.ConfigurationException("SMS channel " + b.label
                    + " has no recipients: set dr.alert.sms.to to phone numbers, comma-separated (+4915112345678)");
        }
        for (String r : b.recipients) {
            if (!r.matches("\\+?[0-9 ()-]{3,20}")) {
                throw new io.dr4j.core.ConfigurationException("SMS recipient '" + r + "' is not a phone number: use "
                        + "international format, e.g. +4915112345678");
            }
        }
        this.token = b.token;
        this.recipients = List.copyOf(b.recipients);
        this.maxLength = b.maxLength;
        this.channel = new HttpChannel("sms:" + b.label, b.gatewayUrl,
                b.client == null ? HttpChannel.defaultClient() : b.client, b.retry, b.timeout);
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", recipients);
        body.put("text", text(alert, maxLength));
        channel.post(alert, () -> token == null ? Map.of() : Map.of("Authorization", "Bearer " + token.reveal()),
                HttpChannel.json(body));
    }

    static String text(Alert alert, int maxLength) {
        String s = (alert.resolved() ? "[RESOLVED] " : "[" + alert.severity() + "] ") + alert.title() + ": "
                + alert.message().replaceAll("\\s+", " ");
        return s.length() <= maxLength ? s : s.substring(0, maxLength - 3) + "...";
    }

    @Override
    public String toString() {
        return "SmsNotifier[" + name() + ", " + recipients.size() + " recipients]";
    }

    /** Builds an {@link SmsNotifier}. */
    public static final class Builder {
        private @Nullable Secret gatewayUrl;
        private @Nullable Secret token;
        private List<String> recipients = List.of();
        private int maxLength = 160;
        private String label = "default";
        private @Nullable HttpClient client;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration timeout = HttpChannel.DEFAULT_TIMEOUT;

        private Builder() {
        }

        public Builder gatewayUrl(Secret url) {
            this.gatewayUrl = url;
            return this;
        }

        /** Sent as {@code Authorization: Bearer <token>}; optional. */
        public Builder token(Secret token) {
            this.token = token;
            return this;
        }

        public Builder recipients(List<String> phoneNumbers) {
            this.recipients = phoneNumbers.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            return this;
        }

        public Builder maxLength(int maxLength) {
            if (maxLength < 20) {
                throw new IllegalArgumentException("maxLength must be at least 20, was " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        public Builder label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.client = client;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public SmsNotifier build() {
            return new SmsNotifier(this);
        }
    }
}
