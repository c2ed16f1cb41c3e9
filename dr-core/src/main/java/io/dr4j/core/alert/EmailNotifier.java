package io.dr4j.core.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.jspecify.annotations.Nullable;

/**
 * Sends alerts as plain-text e-mail over SMTP (Eclipse Angus Mail). Needs {@code org.eclipse.angus:angus-mail} on
 * the class path (an optional dependency of dr-core). Subject: {@code [dr4j CRITICAL] <title>} (or
 * {@code [dr4j RESOLVED] <title>}); body: the message, then the fields, one per line. The password is a secret.
 */
public final class EmailNotifier implements Notifier {
    private final String host;
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;
    private final RetryPolicy retry;

    private EmailNotifier(Builder b) {
        List<String> problems = new ArrayList<>();
        if (b.host == null || b.host.isBlank()) {
            problems.add("E-mail channel has no SMTP host: set dr.alert.email.smtp-host");
        }
        if (b.from == null || b.from.isBlank()) {
            problems.add("E-mail channel has no sender: set dr.alert.email.from");
        }
        if (b.to.isEmpty()) {
            problems.add("E-mail channel has no recipients: set dr.alert.email.to (comma-separated addresses)");
        }
        if (b.username != null && b.password == null) {
            problems.add("E-mail channel has a user name but no password: set dr.alert.email.password");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems, null);
        }
        this.host = b.host;
        this.retry = b.retry;
        this.from = address(b.from, "dr.alert.email.from");
        this.to = b.to.stream().map(a -> address(a, "dr.alert.email.to")).toArray(InternetAddress[]::new);
        Properties p = new Properties();
        p.put("mail.smtp.host", b.host);
        p.put("mail.smtp.port", Integer.toString(b.port));
        p.put("mail.smtp.connectiontimeout", Long.toString(b.timeout.toMillis()));
        p.put("mail.smtp.timeout", Long.toString(b.timeout.toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(b.timeout.toMillis()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(b.startTls));
        p.put("mail.smtp.starttls.required", Boolean.toString(b.startTls));
        Authenticator auth = null;
        if (b.username != null) {
            p.put("mail.smtp.auth", "true");
            String user = b.username;
            Secret password = b.password;
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password.reveal());
                }
            };
        }
        this.session = Session.getInstance(p, auth);
    }

    private static InternetAddress address(String a, String key) {
        try {
            InternetAddress ia = new InternetAddress(a.strip(), true);
            return ia;
        } catch (AddressException e) {
            throw new ConfigurationException(key + " holds '" + a + "', which is not an e-mail address", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "email:" + host;
    }

    @Override
    public void notify(Alert alert) {
        Delivery.withRetries(name(), retry, alert, () -> {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, to);
            m.setSubject("[dr4j " + (alert.resolved() ? "RESOLVED" : alert.severity().name()) + "] " + alert.title(),
                    "UTF-8");
            m.setText(body(alert), "UTF-8");
            m.setSentDate(java.util.Date.from(alert.at()));
            m.setHeader("X-Dr4j-Dedup-Key", alert.dedupKey());
            try {
                Transport.send(m);
            } catch (jakarta.mail.AuthenticationFailedException e) {
                throw new Delivery.Permanent("SMTP authentication failed: check dr.alert.email.username and password");
            } catch (MessagingException e) {
                throw new Delivery.Transient("SMTP: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage().strip()));
            }
        });
    }

    static String body(Alert alert) {
        StringBuilder sb = new StringBuilder();
        sb.append(alert.message()).append("\n\n");
        new TreeMap<>(alert.fields()).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        sb.append("severity: ").append(alert.severity()).append('\n');
        sb.append("source: ").append(alert.source()).append('\n');
        sb.append("at: ").append(alert.at()).append('\n');
        sb.append("incident: ").append(alert.dedupKey()).append('\n');
        return sb.toString();
    }

    @Override
    public String toString() {
        return "EmailNotifier[" + name() + ", " + to.length + " recipients]";
    }

    /** Builds an {@link EmailNotifier}. */
    public static final class Builder {
        private @Nullable String host;
        private int port = 587;
        private @Nullable String username;
        private @Nullable Secret password;
        private boolean startTls = true;
        private @Nullable String from;
        private List<String> to = List.of();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder smtpHost(String host) {
            this.host = host;
            return this;
        }

        public Builder smtpPort(int port) {
            this.port = port;
            return this;
        }

        /** Enables SMTP authentication. */
        public Builder credentials(String username, Secret password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = password;
            return this;
        }

        /** Require STARTTLS (default true); turn off only for a local relay. */
        public Builder startTls(boolean startTls) {
            this.startTls = startTls;
            return this;
        }

        public Builder from(String from) {
            this.from = from;
            return this;
        }

        public Builder to(List<String> to) {
            this.to = to.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
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

        public EmailNotifier build() {
            return new EmailNotifier(this);
        }
    }
}
