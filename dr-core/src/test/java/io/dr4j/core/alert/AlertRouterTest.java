package io.dr4j.core.alert;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AlertRouterTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T02:00:00Z"));
    private final RecordingNotifier slack = new RecordingNotifier("slack");
    private final RecordingNotifier pager = new RecordingNotifier("pagerduty");
    private final AlertRouter router = AlertRouter.builder().clock(clock).route(slack, Severity.WARNING)
            .route(pager, Severity.CRITICAL).dedupWindow(Duration.ofHours(1)).rateLimit(3, Duration.ofMinutes(10))
            .build();

    private Alert alert(Severity s, String key, String title) {
        return new Alert(s, title, "details", "test", key, false, Map.of(), clock.instant());
    }

    @Test
    void routesBySeverity() {
        router.notify(alert(Severity.INFO, "k0", "info"));
        router.notify(alert(Severity.WARNING, "k1", "warning"));
        router.notify(alert(Severity.CRITICAL, "k2", "critical"));
        assertThat(slack.titles()).containsExactly("warning", "critical");
        assertThat(pager.titles()).containsExactly("critical");
    }

    @Test
    void deduplicatesWithinTheWindowButPassesEscalationsAndLaterRepeats() {
        router.notify(alert(Severity.WARNING, "age", "backup old"));
        clock.advance(Duration.ofMinutes(10));
        router.notify(alert(Severity.WARNING, "age", "backup old"));
        assertThat(slack.received).hasSize(1);
        router.notify(alert(Severity.CRITICAL, "age", "backup old")); // escalation
        assertThat(slack.received).hasSize(2);
        assertThat(pager.received).hasSize(1);
        clock.advance(Duration.ofMinutes(61));
        router.notify(alert(Severity.CRITICAL, "age", "backup old"));
        assertThat(slack.received).hasSize(3);
        assertThat(router.stats().deduplicated()).isEqualTo(1);
    }

    @Test
    void resolveGoesToTheChannelsThatGotTheIncidentOnly() {
        Alert a = alert(Severity.CRITICAL, "wal", "WAL lag");
        router.notify(a);
        assertThat(router.isOpen("wal")).isTrue();
        router.notify(a.resolve("caught up"));
        assertThat(slack.titles()).containsExactly("WAL lag", "RESOLVED WAL lag");
        assertThat(pager.titles()).containsExactly("WAL lag", "RESOLVED WAL lag");
        assertThat(router.isOpen("wal")).isFalse();
        // a resolve without an open incident is not sent
        router.notify(alert(Severity.WARNING, "other", "x").resolve("fine"));
        assertThat(slack.received).hasSize(2);
    }

    @Test
    void rateLimitsPerChannelButNeverResolves() {
        for (int i = 0; i < 5; i++) {
            router.notify(alert(Severity.WARNING, "k" + i, "alert " + i));
        }
        assertThat(slack.titles()).containsExactly("alert 0", "alert 1", "alert 2");
        assertThat(router.stats().rateLimited()).isEqualTo(2);
        router.notify(alert(Severity.WARNING, "k0", "alert 0").resolve("ok"));
        assertThat(slack.titles()).endsWith("RESOLVED alert 0");
        clock.advance(Duration.ofMinutes(11));
        router.notify(alert(Severity.WARNING, "k9", "alert 9"));
        assertThat(slack.titles()).endsWith("alert 9");
    }

    @Test
    void aFailingChannelDoesNotStopTheOthersAndIsReported() {
        slack.failing = true;
        assertThatThrownBy(() -> router.notify(alert(Severity.CRITICAL, "k", "boom")))
                .isInstanceOf(NotificationException.class).hasMessageContaining("could not be delivered to slack")
                .hasMessageContaining("delivered to [pagerduty]");
        assertThat(pager.received).hasSize(1);
        assertThat(router.stats().failed()).isEqualTo(1);
    }

}
