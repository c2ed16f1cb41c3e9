package io.dr4j.core.alert;

/**
 * Sends alerts to a channel (Slack, PagerDuty, e-mail, webhook, SMS gateway). Implementations retry transient
 * failures themselves and throw {@link NotificationException} when the alert could not be delivered; callers such
 * as backups never let that failure stop their own work.
 */
public interface Notifier extends AutoCloseable {

    /** A short name, e.g. {@code "slack:#alerts"}; never contains a secret (webhook URLs carry tokens). */
    String name();

    void notify(Alert alert);

    @Override
    default void close() {
    }
}
