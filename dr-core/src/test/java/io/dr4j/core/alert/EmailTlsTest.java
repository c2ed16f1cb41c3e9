package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * E-mail over TLS against GreenMail on 127.0.0.1 with its built-in self-signed certificate (which names no host).
 * GreenMail 2.1 serves SMTPS (implicit TLS) but has no STARTTLS command (greenmail issue #135), so STARTTLS is
 * checked from the side GreenMail can show: a server that does not offer it gets nothing, never mail in the clear.
 * Trust is configured per channel (a trust store holding GreenMail's certificate); nothing JVM-wide is touched.
 */
class EmailTlsTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            patient(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort()),
            patient(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort())})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("dr4j", "mail-pass-42"));

    /** A busy build machine can take longer than GreenMail's default 2 s to start a TLS server. */
    private static ServerSetup patient(ServerSetup s) {
        s.setServerStartupTimeout(15_000);
        return s;
    }

    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), 1.0);
    private static final Alert ALERT = new Alert(Severity.CRITICAL, "db-prod: backup-age DOWN",
            "Newest backup is 26 h old", "backup-monitor", "dr4j:db-prod:backup-age", false, Map.of(),
            Instant.parse("2026-11-26T02:05:00Z"));

    @TempDir
    static Path dir;
    static Path pem;
    static Path p12;

    /** GreenMail's certificate (from greenmail.p12 in its jar) as a PEM file and as a password-protected PKCS#12. */
    @BeforeAll
    static void trustStores() throws Exception {
        KeyStore gm = KeyStore.getInstance("PKCS12");
        try (InputStream in = com.icegreen.greenmail.util.DummySSLServerSocketFactory.class.getClassLoader()
                .getResourceAsStream("greenmail.p12")) {
            gm.load(in, "changeit".toCharArray());
        }
        Certificate cert = gm.getCertificate("greenmail");
        pem = dir.resolve("greenmail.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("greenmail", cert);
        p12 = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            trust.store(out, "trust-pass".toCharArray());
        }
    }

    private static EmailNotifier.Builder smtps() {
        return EmailNotifier.builder().smtpHost("127.0.0.1").smtpPort(MAIL.getSmtps().getPort())
                .security(EmailNotifier.Security.SMTPS).credentials("dr4j", Secret.of("mail-pass-42"))
                .from("dr4j@example.com").to(List.of("ops@example.com")).retry(FAST).timeout(Duration.ofSeconds(5));
    }

    @Test
    void smtpsDeliversWithTheChannelsOwnTrustStoreAndChangesNothingJvmWide() throws Exception {
        SSLSocketFactory httpsBefore = HttpsURLConnection.getDefaultSSLSocketFactory();
        SSLContext defaultBefore = SSLContext.getDefault();

        smtps().trustStore(pem, null).verifyHostname(false).build().notify(ALERT);
        smtps().trustStore(p12, Secret.of("trust-pass")).verifyHostname(false).build()
                .notify(ALERT.resolve("Backup 20261126T030000Z-full succeeded"));

        assertThat(MAIL.waitForIncomingEmail(5000, 2)).isTrue();
        assertThat(MAIL.getReceivedMessages()).extracting(m -> m.getSubject())
                .containsExactlyInAnyOrder("[dr4j CRITICAL] db-prod: backup-age DOWN",
                        "[dr4j RESOLVED] db-prod: backup-age DOWN");
        assertThat(HttpsURLConnection.getDefaultSSLSocketFactory()).isSameAs(httpsBefore);
        assertThat(SSLContext.getDefault()).isSameAs(defaultBefore);
        assertThat(System.getProperty("javax.net.ssl.trustStore")).isNull();
        assertThat(System.getProperty("mail.smtps.ssl.trust")).isNull();
    }

    @Test
    void anUntrustedCertificateIsRefusedByDefaultWithoutRetrying() {
        EmailNotifier mail = smtps().build(); // the JDK's CAs only
        assertThatThrownBy(() -> mail.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("certificate of SMTP server 127.0.0.1:" + MAIL.getSmtps().getPort()
                        + " is not trusted")
                .hasMessageContaining("dr.alert.email.truststore")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("mail-pass-42"));
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void theHostNameIsVerifiedByDefaultEvenWithATrustedCertificate() {
        EmailNotifier mail = smtps().trustStore(pem, null).build();
        assertThatThrownBy(() -> mail.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("does not name that host")
                .hasMessageContaining("dr.alert.email.verify-hostname");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void requiredStartTlsNeverFallsBackToPlainText() {
        EmailNotifier mail = EmailNotifier.builder().smtpHost("127.0.0.1").smtpPort(MAIL.getSmtp().getPort())
                .credentials("dr4j", Secret.of("mail-pass-42")).trustStore(pem, null).verifyHostname(false)
                .from("dr4j@example.com").to(List.of("ops@example.com")).retry(FAST).build();
        assertThat(mail.security()).isEqualTo(EmailNotifier.Security.STARTTLS);
        assertThatThrownBy(() -> mail.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("does not offer STARTTLS").hasMessageContaining("nothing was sent in the clear");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpsAgainstAPlainPortAndAnUnreachableServerSayWhatToCheck() {
        EmailNotifier wrongPort = smtps().smtpPort(MAIL.getSmtp().getPort()).trustStore(pem, null).build();
        assertThatThrownBy(() -> wrongPort.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("after 2 tries").hasMessageContaining("TLS with SMTP server 127.0.0.1:")
                .hasMessageContaining("an SMTPS (implicit TLS) port?");
        EmailNotifier down = smtps().smtpPort(1).build();
        assertThatThrownBy(() -> down.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("Cannot reach SMTP server 127.0.0.1:1")
                .hasMessageContaining("dr.alert.email.smtp-host and smtp-port");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void missingCredentialsAndTrustSettingsAreReportedAtOnce() {
        Properties p = new Properties();
        p.setProperty("dr.alert.email.smtp-host", "mail.example.com");
        p.setProperty("dr.alert.email.from", "dr4j@example.com");
        p.setProperty("dr.alert.email.to", "ops@example.com");
        p.setProperty("dr.alert.email.username", "dr4j");
        p.setProperty("dr.alert.email.security", "smtps");
        assertThatThrownBy(() -> Notifiers.fromConfig(ProviderConfig.from(p, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.alert.email.password is required")
                .hasMessageContaining("DR_ALERT_EMAIL_PASSWORD");

        p.setProperty("dr.alert.email.password", "mail-pass-42");
        p.setProperty("dr.alert.email.truststore", dir.resolve("missing.p12").toString());
        assertThatThrownBy(() -> Notifiers.fromConfig(ProviderConfig.from(p, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("missing.p12 does not exist")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("mail-pass-42"));

        assertThatThrownBy(() -> EmailNotifier.builder().smtpHost("h").from("a@example.com").to(List.of("b@example.com"))
                .credentials("u", null).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a user name but no password");

        p.setProperty("dr.alert.email.truststore", p12.toString());
        p.setProperty("dr.alert.email.truststore-password", "WRONG");
        assertThatThrownBy(() -> Notifiers.fromConfig(ProviderConfig.from(p, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Could not read the e-mail channel's trust store")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("WRONG"));

        p.setProperty("dr.alert.email.truststore-password", "trust-pass");
        AsyncNotifier ok = Notifiers.fromConfig(ProviderConfig.from(p, Map.of()));
        try {
            assertThat(ok.toString()).doesNotContain("mail-pass-42").doesNotContain("trust-pass");
        } finally {
            ok.close(Duration.ofMillis(200));
        }
    }

    @Test
    void securityDecidesTheDefaultPort() {
        EmailNotifier.Builder b = EmailNotifier.builder().smtpHost("h").from("a@example.com").to(List.of("b@example.com"));
        assertThat(b.build().port()).isEqualTo(587);
        assertThat(b.security(EmailNotifier.Security.SMTPS).build().port()).isEqualTo(465);
        assertThat(b.startTls(false).build().port()).isEqualTo(25);
        assertThatThrownBy(() -> EmailNotifier.Security.parse("ssl")).hasMessageContaining("starttls, smtps or none");
    }
}
