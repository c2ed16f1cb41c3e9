package io.dr4j.core.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import io.dr4j.core.ConfigurationException;

/**
 * When a job runs: a Unix cron expression (5 fields: minute, hour, day of month, month, day of week) in a time zone,
 * UTC by default. Parsed and validated by cron-utils when it is created, so a malformed expression is refused at
 * configuration time.
 */
public final class CronSchedule {
    /** The seed's default: the full backup every day at 02:00 UTC. */
    public static final String DAILY_0200 = "0 2 * * *";

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final Cron cron;
    private final ExecutionTime execution;

    private CronSchedule(String expression, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.zone = zone;
        this.cron = cron;
        this.execution = ExecutionTime.forCron(cron);
    }

    /** Every day at 02:00 UTC. */
    public static CronSchedule dailyAt0200Utc() {
        return parse(DAILY_0200, ZoneOffset.UTC);
    }

    /** A cron expression evaluated in UTC. */
    public static CronSchedule parse(String expression) {
        return parse(expression, ZoneOffset.UTC);
    }

    /**
     * A cron expression evaluated in {@code zone}.
     *
     * @throws ConfigurationException naming the expression, what is wrong and the expected form
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (expression == null || expression.isBlank()) {
            throw new ConfigurationException("The cron expression is empty. Use 5 fields: minute hour day-of-month "
                    + "month day-of-week, e.g. '" + DAILY_0200 + "' (every day at 02:00)");
        }
        String e = expression.trim().replaceAll("\\s+", " ");
        try {
            Cron cron = PARSER.parse(e).validate();
            return new CronSchedule(e, zone, cron);
        } catch (IllegalArgumentException ex) {
            throw new ConfigurationException("Invalid cron expression '" + e.replaceAll("\\p{Cntrl}", "?") + "': "
                    + ex.getMessage() + ". Use 5 fields: minute hour day-of-month month day-of-week, e.g. '"
                    + DAILY_0200 + "' (every day at 02:00) or '*/15 * * * *' (every 15 minutes)", ex);
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first fire time strictly after {@code time}. */
    public Optional<Instant> nextAfter(Instant time) {
        // Unix cron has minute resolution; cron-utils would skip a fire time less than a second away
        return execution.nextExecution(ZonedDateTime.ofInstant(time.truncatedTo(ChronoUnit.MINUTES), zone))
                .map(ZonedDateTime::toInstant);
    }

    /** The latest fire time at or before {@code time}. */
    public Optional<Instant> lastAtOrBefore(Instant time) {
        ZonedDateTime t = ZonedDateTime.ofInstant(time.truncatedTo(ChronoUnit.MINUTES), zone);
        if (execution.isMatch(t)) {
            return Optional.of(t.toInstant());
        }
        return execution.lastExecution(t).map(ZonedDateTime::toInstant);
    }

    /** A sentence such as "at 02:00" (English). */
    public String describe() {
        return CronDescriptor.instance(Locale.ENGLISH).describe(cron) + " (" + zone + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule c && c.expression.equals(expression) && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }

    @Override
    public String toString() {
        return "cron '" + expression + "' " + zone;
    }
}
