package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SMTP delivery against an embedded GreenMail server on 127.0.0.1. */
class EmailNotifierTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp")
            .dynamicPort()).withConfiguration(GreenMailConfiguration.aConfig().withUser("dr4j", "mail-pass-42"));

    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), 1.0);
    private static final Alert ALERT = new Alert(Severity.ERROR, "Backup of db-prod failed",
            "pg_backup_start failed: connection refused", "backup", "dr4j:db-prod:backup-failures", false,
            Map.of("backup", "20261126T020000Z-full"), Instant.parse("2026-11-26T02:05:00Z"));

    private EmailNotifier.Builder builder() {
        return EmailNotifier.builder().smtpHost("127.0.0.1").smtpPort(MAIL.getSmtp().getPort()).startTls(false)
                .from("dr4j@example.com").to(List.of("ops@example.com", "dba@example.com")).retry(FAST);
    }

    @Test
    void sendsPlainTextMailWithSubjectBodyAndFieldsUsingSmtpAuth() throws Exception {
        EmailNotifier mail = builder().credentials("dr4j", Secret.of("mail-pass-42")).build();
        mail.notify(ALERT);
        mail.notify(ALERT.resolve("Backup 20261126T030000Z-full succeeded"));

        assertThat(MAIL.waitForIncomingEmail(5000, 4)).isTrue();
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertThat(got).hasSize(4); // two messages, two recipients each
        MimeMessage first = java.util.Arrays.stream(got).filter(m -> subject(m).startsWith("[dr4j ERROR]"))
                .findFirst().orElseThrow();
        assertThat(first.getSubject()).isEqualTo("[dr4j ERROR] Backup of db-prod failed");
        assertThat(first.getFrom()[0].toString()).isEqualTo("dr4j@example.com");
        assertThat(first.getAllRecipients()).extracting(Object::toString)
                .containsExactly("ops@example.com", "dba@example.com");
        assertThat(first.getHeader("X-Dr4j-Dedup-Key")[0]).isEqualTo("dr4j:db-prod:backup-failures");
        String body = GreenMailUtil.getBody(first).replace("\r\n", "\n");
        assertThat(body).startsWith("pg_backup_start failed: connection refused\n\nbackup: 20261126T020000Z-full\n")
                .contains("severity: ERROR").contains("at: 2026-11-26T02:05:00Z");
        assertThat(got).extracting(EmailNotifierTest::subject).containsOnly("[dr4j ERROR] Backup of db-prod failed",
                "[dr4j RESOLVED] Backup of db-prod failed").hasSize(4);
        assertThat(mail.name()).isEqualTo("email:127.0.0.1");
        assertThat(mail.toString()).doesNotContain("mail-pass-42");
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wrongPasswordFailsOnceWithClearMessageAndNoPassword() {
        EmailNotifier mail = builder().credentials("dr4j", Secret.of("WRONG-PASSWORD")).build();
        assertThatThrownBy(() -> mail.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("SMTP authentication failed")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("WRONG-PASSWORD"));
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void unreachableServerIsRetriedThenReported() {
        EmailNotifier mail = EmailNotifier.builder().smtpHost("127.0.0.1").smtpPort(1).startTls(false)
                .from("dr4j@example.com").to(List.of("ops@example.com")).retry(FAST)
                .timeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> mail.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("email:127.0.0.1").hasMessageContaining("after 2 tries");
    }

    @Test
    void missingSettingsAreAllReportedAtOnce() {
        assertThatThrownBy(() -> EmailNotifier.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.alert.email.smtp-host").hasMessageContaining("dr.alert.email.from")
                .hasMessageContaining("dr.alert.email.to");
        assertThatThrownBy(() -> builder().to(List.of("not an address")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not an e-mail address");
    }
}
