package io.dr4j.core.alert;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * The settings every HTTP alert channel shares ({@link SlackNotifier}, {@link PagerDutyNotifier},
 * {@link SmsNotifier}, {@link WebhookNotifier}): a label, the HTTP client, the retry policy and the request timeout.
 * Each channel's builder extends this one with its own fields; the setters return that builder, so calls chain in
 * any order ({@code SlackNotifier.builder().label("#ops").webhookUrl(url).build()}).
 *
 * @param <B> the channel's own builder
 */
public abstract class HttpNotifierBuilder<B extends HttpNotifierBuilder<B>> {
    private String label = "default";
    private @Nullable HttpClient client;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Duration timeout = HttpChannel.DEFAULT_TIMEOUT;

    /** Only the channels of this package extend it. */
    HttpNotifierBuilder() {
    }

    /**
     * Shown in the channel's name ({@code slack:<label>}) and in logs, e.g. {@code #ops-alerts} or the PagerDuty
     * service's name; never put a URL or key here. Default {@code default}.
     */
    public final B label(String label) {
        this.label = Objects.requireNonNull(label, "label");
        return self();
    }

    /**
     * The client requests go through; null (the default) means one with a 5 s connect timeout that follows no
     * redirects.
     */
    public final B httpClient(@Nullable HttpClient client) {
        this.client = client;
        return self();
    }

    /** How often and how patiently a failed delivery is tried again (default {@link RetryPolicy#DEFAULT}). */
    public final B retry(RetryPolicy retry) {
        this.retry = Objects.requireNonNull(retry, "retry");
        return self();
    }

    /** How long one request may take (default 10 s). */
    public final B timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    final String label() {
        return label;
    }

    /**
     * A secret setting the channel cannot work without: {@code missing} names the channel and the key to set when
     * it is absent, {@code empty} when it is blank (null when an empty value is allowed, e.g. a URL whose parsing
     * reports it).
     */
    final Secret requiredSecret(@Nullable Secret value, String missing, @Nullable String empty) {
        if (value == null) {
            throw new ConfigurationException(missing);
        }
        if (empty != null && value.isEmpty()) {
            throw new ConfigurationException(empty);
        }
        return value;
    }

    /** The channel {@code <kind>:<label>} posting to {@code url} with this builder's client, retries and timeout. */
    final HttpChannel channel(String kind, Secret url) {
        return new HttpChannel(kind + ":" + label, url, client == null ? HttpChannel.defaultClient() : client, retry,
                timeout);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
