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
 *
 * <p>Transport security ({@link Security}): STARTTLS, required (the default, port 587), implicit TLS (SMTPS, port
 * 465), or none (a local relay only). The server's certificate is always verified, chain and host name, against the
 * JDK's trusted CAs or, for a private CA or a self-signed server, the channel's own {@link Builder#trustStore
 * trust store}; this setting is per channel, nothing JVM-wide changes.
 */
public final class EmailNotifier implements Notifier {
    /** How the connection to the SMTP server is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS; refused when the server does not offer it. Default port 587. */
        STARTTLS(587),
        /** TLS from the first byte (SMTPS, "implicit TLS"). Default port 465. */
        SMTPS(465),
        /** No encryption: only for a relay on the same host or network. Default port 25. */
        NONE(25);

        private final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }

        public static Security parse(String s) {
            for (Security v : values()) {
                if (v.name().equalsIgnoreCase(s.strip())) {
                    return v;
                }
            }
            throw new ConfigurationException("Unknown SMTP security '" + s + "': use starttls, smtps or none");
        }
    }

    private final String host;
    private final int port;
    private final Security security;
    private final String protocol;
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
        if (b.username == null && b.password != null) {
            problems.add("E-mail channel has a password but no user name: set dr.alert.email.username");
        }
        if (b.trustStore != null && !java.nio.file.Files.isReadable(b.trustStore)) {
            problems.add("E-mail channel trust store " + b.trustStore + " does not exist or is not readable: "
                    + "check dr.alert.email.truststore");
        }
        if (b.trustStore != null && b.security == Security.NONE) {
            problems.add("E-mail channel has a trust store but security none: set dr.alert.email.security to "
                    + "starttls or smtps");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems, null);
        }
        this.host = b.host;
        this.security = b.security;
        this.port = b.port > 0 ? b.port : b.security.defaultPort();
        this.protocol = b.security == Security.SMTPS ? "smtps" : "smtp";
        this.retry = b.retry;
        this.from = address(b.from, "dr.alert.email.from");
        this.to = b.to.stream().map(a -> address(a, "dr.alert.email.to")).toArray(InternetAddress[]::new);
        String m = "mail." + protocol + ".";
        Properties p = new Properties();
        p.put("mail.transport.protocol", protocol);
        p.put(m + "host", b.host);
        p.put(m + "port", Integer.toString(port));
        p.put(m + "connectiontimeout", Long.toString(b.timeout.toMillis()));
        p.put(m + "timeout", Long.toString(b.timeout.toMillis()));
        p.put(m + "writetimeout", Long.toString(b.timeout.toMillis()));
        boolean startTls = b.security == Security.STARTTLS;
        p.put(m + "starttls.enable", Boolean.toString(startTls));
        p.put(m + "starttls.required", Boolean.toString(startTls));
        if (b.security != Security.NONE) {
            p.put(m + "ssl.checkserveridentity", Boolean.toString(b.verifyHostname));
            if (b.trustStore != null) {
                p.put(m + "ssl.socketFactory", SmtpTrust.socketFactory(b.trustStore, b.trustStorePassword));
                // Angus retries a failed connection with the JDK's default factory unless told not to: the channel's
                // trust (and the real reason of a failure) must be the only one
                p.put(m + "socketFactory.fallback", "false");
                p.put(m + "ssl.socketFactory.fallback", "false");
            }
        }
        Authenticator auth = null;
        if (b.username != null) {
            p.put(m + "auth", "true");
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

    public Security security() {
        return security;
    }

    public int port() {
        return port;
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
            try (Transport t = session.getTransport(protocol)) {
                t.connect();
                t.sendMessage(m, m.getAllRecipients());
            } catch (jakarta.mail.AuthenticationFailedException e) {
                throw new Delivery.Permanent("SMTP authentication failed: check dr.alert.email.username and password");
            } catch (MessagingException e) {
                throw SmtpTrust.classify(e, host + ":" + port, security);
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
        private int port;
        private Security security = Security.STARTTLS;
        private java.nio.file.@Nullable Path trustStore;
        private @Nullable Secret trustStorePassword;
        private boolean verifyHostname = true;
        private @Nullable String username;
        private @Nullable Secret password;
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

        /** The port; default by {@link Security}: 587 (STARTTLS), 465 (SMTPS), 25 (none). */
        public Builder smtpPort(int port) {
            this.port = port;
            return this;
        }

        /** How the connection is protected (default STARTTLS, required). */
        public Builder security(Security security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /**
         * Certificates to trust for this channel instead of the JDK's CAs: a PKCS#12 or JKS key store (with its
         * password, or null when it has none), or PEM/DER certificate files ({@code .pem}, {@code .crt},
         * {@code .cer}). For a private CA or a test server's self-signed certificate.
         */
        public Builder trustStore(java.nio.file.Path file, @Nullable Secret password) {
            this.trustStore = Objects.requireNonNull(file, "file");
            this.trustStorePassword = password;
            return this;
        }

        /**
         * Whether the certificate must name the host connected to (default true). Turn off only for a test server
         * whose certificate names no host; the chain is still verified.
         */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /** Enables SMTP authentication. */
        public Builder credentials(String username, Secret password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = password;
            return this;
        }

        /** Require STARTTLS (default true); false means no encryption ({@link Security#NONE}), for a local relay. */
        public Builder startTls(boolean startTls) {
            this.security = startTls ? Security.STARTTLS : Security.NONE;
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
