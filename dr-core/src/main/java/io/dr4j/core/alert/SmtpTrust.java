package io.dr4j.core.alert;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;

import jakarta.mail.MessagingException;

import org.jspecify.annotations.Nullable;

/** TLS trust of one e-mail channel, and what SMTP failures mean for the operator. */
final class SmtpTrust {
    private SmtpTrust() {
    }

    /** A socket factory trusting exactly the certificates of {@code file} (verification stays on). */
    static SSLSocketFactory socketFactory(Path file, @Nullable Secret password) {
        try {
            KeyStore trust = load(file, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("Could not read the e-mail channel's trust store " + file + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "): check dr.alert.email.truststore and truststore-password (PKCS#12, JKS, or PEM certificates)", e);
        }
    }

    private static KeyStore load(Path file, @Nullable Secret password) throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer") || name.endsWith(".der")) {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(file)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate in the file");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("cert-" + i++, c);
            }
            return ks;
        }
        return KeyStore.getInstance(file.toFile(), password == null ? null : password.reveal().toCharArray());
    }

    /** Turns a mail failure into a retryable or a permanent one, with what to do about it. */
    static Exception classify(MessagingException e, String where, EmailNotifier.Security security) {
        String all = chainText(e);
        if (all.contains("STARTTLS is required")) {
            return new Delivery.Permanent("The SMTP server " + where + " does not offer STARTTLS, which this channel "
                    + "requires (nothing was sent in the clear): use security smtps (port 465) if the server has it, or "
                    + "a server with STARTTLS; security none only for a local relay");
        }
        SSLException ssl = find(e, SSLException.class);
        if (ssl != null || all.contains("Server is not trusted") || all.contains("check server identity")) {
            if (all.contains("No subject alternative") || all.contains("No name matching")
                    || all.contains("server identity")) {
                return new Delivery.Permanent("The certificate of SMTP server " + where + " does not name that host ("
                        + brief(all) + "): connect by a name the certificate holds; only for a test server whose "
                        + "certificate names no host, set dr.alert.email.verify-hostname=false");
            }
            if (all.contains("PKIX") || all.contains("certification path") || all.contains("not trusted")) {
                return new Delivery.Permanent("The certificate of SMTP server " + where + " is not trusted ("
                        + brief(all) + "): give the channel its CA (or the server's certificate) with "
                        + "dr.alert.email.truststore");
            }
            return new Delivery.Transient("TLS with SMTP server " + where + " failed (" + security + "): "
                    + brief(all) + (security == EmailNotifier.Security.SMTPS ? "; is " + where
                    + " an SMTPS (implicit TLS) port? Port 587 expects STARTTLS" : ""));
        }
        if (find(e, ConnectException.class) != null || find(e, UnknownHostException.class) != null
                || find(e, SocketTimeoutException.class) != null || e instanceof jakarta.mail.MessagingException
                && e.getClass().getSimpleName().equals("MailConnectException")) {
            return new Delivery.Transient("Cannot reach SMTP server " + where + " (" + brief(all) + "): check "
                    + "dr.alert.email.smtp-host and smtp-port, and that the server runs and is reachable");
        }
        return new Delivery.Transient("SMTP " + where + ": " + e.getClass().getSimpleName() + ": " + brief(all));
    }

    private static <T extends Throwable> @Nullable T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String chainText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                sb.append(t.getMessage().strip()).append(" / ");
            }
        }
        return sb.toString();
    }

    private static String brief(String chain) {
        String s = chain.endsWith(" / ") ? chain.substring(0, chain.length() - 3) : chain;
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
