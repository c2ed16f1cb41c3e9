package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

import org.junit.jupiter.api.Test;

class NotifiersTest {

    @Test
    void buildsEveryConfiguredChannelWithItsMinimumSeverity() {
        ProviderConfig c = ProviderConfig.of(Map.ofEntries(
                Map.entry("dr.alert.slack.webhook-url", "https://hooks.slack.com/services/T/B/SLACKSECRET"),
                Map.entry("dr.alert.slack.label", "#ops"),
                Map.entry("dr.alert.pagerduty.routing-key", "PDSECRETKEY"),
                Map.entry("dr.alert.webhook.url", "https://hooks.example.com/x?token=HOOKSECRET"),
                Map.entry("dr.alert.webhook.hmac-secret", "HMACSECRET"),
                Map.entry("dr.alert.webhook.min-severity", "error"),
                Map.entry("dr.alert.email.smtp-host", "smtp.example.com"),
                Map.entry("dr.alert.email.from", "dr4j@example.com"),
                Map.entry("dr.alert.email.to", "ops@example.com"),
                Map.entry("dr.alert.email.username", "dr4j"),
                Map.entry("dr.alert.email.password", "MAILSECRET"),
                Map.entry("dr.alert.sms.webhook-url", "https://sms.example.com/send"),
                Map.entry("dr.alert.sms.to", "+4915112345678")));
        AlertRouter router = Notifiers.router(c.scope("dr.alert"));
        assertThat(router.routes()).extracting(r -> r.notifier().name() + ">=" + r.minSeverity())
                .containsExactly("slack:#ops>=WARNING", "pagerduty:default>=CRITICAL", "webhook:default>=ERROR",
                        "email:smtp.example.com>=ERROR", "sms:default>=CRITICAL");
        String shown = router + " " + router.name() + " " + c;
        assertThat(shown).doesNotContain("SLACKSECRET", "PDSECRETKEY", "HOOKSECRET", "HMACSECRET", "MAILSECRET");
        try (AsyncNotifier async = Notifiers.fromConfig(c)) {
            assertThat(async.name()).startsWith("async:router[slack:#ops");
        }
    }

    @Test
    void missingCredentialsAreAllReportedAtOnceWithoutSecrets() {
        ProviderConfig c = ProviderConfig.of(Map.of(
                "dr.alert.slack.label", "#ops",
                "dr.alert.webhook.url", "https://hooks.example.com/x?token=HOOKSECRET",
                "dr.alert.email.smtp-host", "smtp.example.com",
                "dr.alert.email.username", "dr4j",
                "dr.alert.sms.to", "+4915112345678",
                "dr.alert.pagerduty.min-severity", "urgent"));
        assertThatThrownBy(() -> Notifiers.router(c.scope("dr.alert")))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).containsExactlyInAnyOrder(
                        "dr.alert.slack.webhook-url is required for this alert channel; set it or DR_ALERT_SLACK_WEBHOOK_URL",
                        "dr.alert.pagerduty.routing-key is required for this alert channel; set it or DR_ALERT_PAGERDUTY_ROUTING_KEY",
                        "dr.alert.pagerduty.min-severity must be one of INFO, WARNING, ERROR, CRITICAL, was 'urgent'",
                        "dr.alert.webhook.hmac-secret is required for this alert channel; set it or DR_ALERT_WEBHOOK_HMAC_SECRET",
                        "dr.alert.email.from is required for e-mail alerts; set it or DR_ALERT_EMAIL_FROM",
                        "dr.alert.email.to is required for e-mail alerts; set it or DR_ALERT_EMAIL_TO",
                        "dr.alert.email.password is required for e-mail alerts; set it or DR_ALERT_EMAIL_PASSWORD",
                        "dr.alert.sms.webhook-url is required for this alert channel; set it or DR_ALERT_SMS_WEBHOOK_URL"))
                .hasMessageNotContaining("HOOKSECRET");
    }

    @Test
    void withoutChannelsAlertsAreLogged() {
        AlertRouter router = Notifiers.router(ProviderConfig.empty().scope("dr.alert"));
        assertThat(router.routes()).extracting(r -> r.notifier().name()).containsExactly("log");
    }
}
