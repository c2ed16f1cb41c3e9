package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.server.SMTPServer;

/**
 * STARTTLS, which GreenMail 2.1 does not implement (greenmail issue #135): a SubEthaSMTP server on 127.0.0.1 that
 * offers STARTTLS and refuses mail before it ({@code requireTLS}), with GreenMail's built-in self-signed key and
 * certificate. Delivery therefore proves the upgrade happened; trust comes from the channel's own trust store.
 */
class EmailStartTlsTest {
    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), 1.0);
    private static final Alert ALERT = new Alert(Severity.CRITICAL, "db-prod: backup-failures DOWN",
            "Backup 20261126T020000.000Z-full failed", "backup-monitor", "dr4j:db-prod:backup-failures", false, Map.of(),
            Instant.parse("2026-11-26T02:05:00Z"));

    @TempDir
    static Path dir;
    static Path pem;
    static SMTPServer server;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        KeyStore gm = KeyStore.getInstance("PKCS12");
        try (InputStream in = com.icegreen.greenmail.util.DummySSLServerSocketFactory.class.getClassLoader()
                .getResourceAsStream("greenmail.p12")) {
            gm.load(in, "changeit".toCharArray());
        }
        pem = dir.resolve("greenmail.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(gm.getCertificate("greenmail").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(gm, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).enableTLS().requireTLS()
                .startTlsSocketFactory(ctx)
                .messageHandler((context, from, to, data) -> received.add(to + "\n"
                        + new String(data, StandardCharsets.UTF_8)))
                .build();
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static EmailNotifier.Builder startTls() {
        return EmailNotifier.builder().smtpHost("127.0.0.1").smtpPort(server.getPortAllocated())
                .from("dr4j@example.com").to(List.of("ops@example.com")).retry(FAST).timeout(Duration.ofSeconds(5));
    }

    @Test
    void upgradesWithStartTlsAndDeliversWithTheChannelsTrustStore() {
        EmailNotifier mail = startTls().trustStore(pem, null).verifyHostname(false).build();
        assertThat(mail.security()).isEqualTo(EmailNotifier.Security.STARTTLS);
        mail.notify(ALERT);
        assertThat(received).singleElement().satisfies(m -> assertThat(m)
                .startsWith("ops@example.com\n").contains("Subject: [dr4j CRITICAL] db-prod: backup-failures DOWN"));
    }

    @Test
    void theUpgradedConnectionVerifiesTheCertificateByDefault() {
        int before = received.size();
        assertThatThrownBy(() -> startTls().build().notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("is not trusted").hasMessageContaining("dr.alert.email.truststore");
        assertThatThrownBy(() -> startTls().trustStore(pem, null).build().notify(ALERT))
                .isInstanceOf(NotificationException.class).hasMessageContaining("does not name that host");
        assertThat(received).hasSize(before);
    }

    @Test
    void withoutStartTlsTheServerRefusesTheMail() {
        int before = received.size();
        EmailNotifier plain = startTls().startTls(false).build();
        assertThatThrownBy(() -> plain.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("STARTTLS");
        assertThat(received).hasSize(before);
    }
}
