package io.dr4j.core.alert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Secret url = b.requiredSecret(b.gatewayUrl, "SMS channel " + b.label()
                + " has no gateway URL: set dr.alert.sms.webhook-url", null);
        if (b.recipients.isEmpty()) {
            throw new io.dr4j.core.ConfigurationException("SMS channel " + b.label()
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
        this.channel = b.channel("sms", url);
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
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private @Nullable Secret gatewayUrl;
        private @Nullable Secret token;
        private List<String> recipients = List.of();
        private int maxLength = 160;

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

        public SmsNotifier build() {
            return new SmsNotifier(this);
        }
    }
}
