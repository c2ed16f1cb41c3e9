package io.dr4j.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    @Test
    void defaultIsDailyAt0200Utc() {
        CronSchedule s = CronSchedule.dailyAt0200Utc();
        assertThat(s.nextAfter(Instant.parse("2026-11-26T01:59:59Z"))).contains(Instant.parse("2026-11-26T02:00:00Z"));
        assertThat(s.nextAfter(Instant.parse("2026-11-26T02:00:00Z"))).contains(Instant.parse("2026-11-27T02:00:00Z"));
        assertThat(s.lastAtOrBefore(Instant.parse("2026-11-26T02:00:00Z"))).contains(Instant.parse("2026-11-26T02:00:00Z"));
        assertThat(s.lastAtOrBefore(Instant.parse("2026-11-26T01:00:00Z"))).contains(Instant.parse("2026-11-25T02:00:00Z"));
        assertThat(s.describe()).contains("02:00");
        CronSchedule everyMinute = CronSchedule.parse("* * * * *");
        assertThat(everyMinute.nextAfter(Instant.parse("2026-11-26T02:00:59.700Z")))
                .contains(Instant.parse("2026-11-26T02:01:00Z"));
        assertThat(everyMinute.lastAtOrBefore(Instant.parse("2026-11-26T02:00:59.700Z")))
                .contains(Instant.parse("2026-11-26T02:00:00Z"));
    }

    @Test
    void evaluatesInTheGivenZone() {
        CronSchedule s = CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(s.nextAfter(Instant.parse("2026-11-26T00:00:00Z"))).contains(Instant.parse("2026-11-26T01:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 2 * *", "61 2 * * *", "every day at two", "0 25 * * *", "* * * * * * *", " "})
    void malformedExpressionsAreRefusedWithTheExpectedForm(String expr) {
        assertThatThrownBy(() -> CronSchedule.parse(expr)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("minute hour day-of-month month day-of-week")
                .hasMessageContaining("0 2 * * *");
    }

    @Test
    void configuredJobNamesTheKeyOfABadExpression() {
        ProviderConfig c = ProviderConfig.of(Map.of("dr.schedule.full-backup.cron", "0 2 * *"));
        assertThatThrownBy(() -> ScheduledJob.fromConfig("full-backup", c, CronSchedule.DAILY_0200, ctx -> { }))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("dr.schedule.full-backup.cron: Invalid cron expression '0 2 * *'");
        ScheduledJob def = ScheduledJob.fromConfig("full-backup", ProviderConfig.of(Map.of(
                "dr.schedule.full-backup.jitter", "5m")), CronSchedule.DAILY_0200, ctx -> { });
        assertThat(def.schedule()).isEqualTo(CronSchedule.dailyAt0200Utc());
        assertThat(def.jitter()).hasMinutes(5);
        assertThat(def.catchUp()).isTrue();
    }
}
