package io.dr4j.core.alert;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * Sends alerts as PagerDuty Events API v2 events ({@code POST /v2/enqueue}). An alert triggers an incident whose
 * {@code dedup_key} is the alert's {@link Alert#dedupKey()}; its resolve message resolves the same incident:
 *
 * <pre>{@code
 * {"routing_key":"...","event_action":"trigger","dedup_key":"dr4j:db-prod:backup-age",
 *  "payload":{"summary":"Newest backup is too old: ...","source":"backup-monitor","severity":"critical",
 *             "timestamp":"2026-11-26T02:00:00Z","custom_details":{"message":"...", ...fields}},
 *  "client":"dr4j"}
 * {"routing_key":"...","event_action":"resolve","dedup_key":"dr4j:db-prod:backup-age"}
 * }</pre>
 *
 * The routing (integration) key is a secret and never shown.
 */
public final class PagerDutyNotifier implements Notifier {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://events.pagerduty.com/v2/enqueue");
    private static final int MAX_SUMMARY = 1024;

    private final Secret routingKey;
    private final HttpChannel channel;

    private PagerDutyNotifier(Builder b) {
        this.routingKey = b.requiredSecret(b.routingKey, "PagerDuty channel " + b.label()
                + " has no routing key: set dr.alert.pagerduty.routing-key (the Events API v2 integration key)",
                "The PagerDuty routing key is empty: set dr.alert.pagerduty.routing-key to the integration key of an "
                        + "Events API v2 service");
        this.channel = b.channel("pagerduty", Secret.of(b.endpoint.toString()));
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
        channel.post(alert, Map::of, HttpChannel.json(payload(alert, routingKey)));
    }

    static Map<String, Object> payload(Alert alert, Secret routingKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", routingKey.reveal());
        body.put("event_action", alert.resolved() ? "resolve" : "trigger");
        body.put("dedup_key", alert.dedupKey());
        if (!alert.resolved()) {
            Map<String, Object> payload = new LinkedHashMap<>();
            String summary = alert.title() + ": " + alert.message();
            payload.put("summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY - 3) + "..." : summary);
            payload.put("source", alert.source());
            payload.put("severity", alert.severity().name().toLowerCase(Locale.ROOT));
            payload.put("timestamp", alert.at().toString());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("message", alert.message());
            details.putAll(new TreeMap<>(alert.fields()));
            payload.put("custom_details", details);
            body.put("payload", payload);
            body.put("client", "dr4j");
        }
        return body;
    }

    @Override
    public String toString() {
        return "PagerDutyNotifier[" + name() + "]";
    }

    /** Builds a {@link PagerDutyNotifier}. */
    public static final class Builder extends HttpNotifierBuilder<Builder> {
        private @Nullable Secret routingKey;
        private URI endpoint = DEFAULT_ENDPOINT;

        private Builder() {
        }

        /** The Events API v2 integration (routing) key of the service; a secret. */
        public Builder routingKey(Secret key) {
            this.routingKey = key;
            return this;
        }

        /** Defaults to {@link #DEFAULT_ENDPOINT}; tests and EU accounts set their own. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        public PagerDutyNotifier build() {
            return new PagerDutyNotifier(this);
        }
    }
}
