package io.dr4j.core.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * Posts alerts to a Slack incoming webhook. The payload is a {@code text} line (shown in notifications) and one
 * attachment coloured by severity with the message and the alert's fields:
 *
 * <pre>{@code
 * {"text":"[CRITICAL] Backup of db-prod failed",
 *  "attachments":[{"color":"#d00000","title":"Backup of db-prod failed","text":"...",
 *                  "fields":[{"title":"backup","value":"20261126T020000Z-full","short":true}],
 *                  "footer":"dr4j backup-monitor","ts":1795654800}]}
 * }</pre>
 *
 * A resolve message starts with {@code [RESOLVED]} and is green. The webhook URL is a secret: {@link #name()} is
 * {@code slack:<label>}.
 */
public final class SlackNotifier implements Notifier {
    private final HttpChannel channel;

    private SlackNotifier(Builder b) {
        Secret url = b.requiredSecret(b.webhookUrl, "Slack channel " + b.label()
                + " has no webhook URL: set dr.alert.slack.webhook-url (the Slack incoming webhook URL)", null);
        this.channel = b.channel("slack", url);
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
        channel.post(alert, Map::of, HttpChannel.json(payload(alert)));
    }

    static Map<String, Object> payload(Alert alert) {
        String head = (alert.resolved() ? "[RESOLVED] " : "[" + alert.severity() + "] ") + alert.title();
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("color", alert.resolved() ? "#2eb886" : color(alert.severity()));
        attachment.put("title", alert.title());
        attachment.put("text", alert.message());
        if (!alert.fields().isEmpty()) {
            List<Map<String, Object>> fields = new ArrayList<>();
            new java.util.TreeMap<>(alert.fields()).forEach((k, v) -> {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("title", k);
                f.put("value", v);
                f.put("short", v.length() <= 40);
                fields.add(f);
            });
            attachment.put("fields", fields);
        }
        attachment.put("footer", "dr4j " + alert.source());
        attachment.put("ts", alert.at().getEpochSecond());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", head);
        body.put("attachments", List.of(attachment));
        return body;
    }

    private static String color(Severity s) {
        return switch (s) {
            case INFO -> "#439fe0";
            case WARNING -> "#daa038";
            case ERROR -> "#e01e5a";
            case CRITICAL -> "#d00000";
        };
    }

    @Override
    public String toString() {
        return "SlackNotifier[" + name() + "]";
    }

    /** Builds a {@link SlackNotifier}. */
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private @Nullable Secret webhookUrl;

        private Builder() {
        }

        /** The incoming webhook URL ({@code https://hooks.slack.com/services/...}); it is a secret. */
        public Builder webhookUrl(Secret url) {
            this.webhookUrl = url;
            return this;
        }

        public SlackNotifier build() {
            return new SlackNotifier(this);
        }
    }
}
