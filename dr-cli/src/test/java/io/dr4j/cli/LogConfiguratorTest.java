package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;

import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
    /** The pattern of the logback.xml the configurator replaced. */
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    private static String both(LoggerContext ctx, LoggingEvent e) {
        PatternLayout reference = new PatternLayout();
        reference.setContext(ctx);
        reference.setPattern(PATTERN);
        reference.start();
        LogConfigurator.LineLayout layout = new LogConfigurator.LineLayout();
        layout.setContext(ctx);
        layout.start();
        String expected = reference.doLayout(e);
        assertThat(layout.doLayout(e)).isEqualTo(expected);
        return expected;
    }

    @Test
    void linesAreThoseOfTheFormerPattern() {
        LoggerContext ctx = new LoggerContext();
        Logger logger = ctx.getLogger("io.dr4j.core.internal.spi.ServiceRegistry");
        for (long ts : new long[] {0L, 1_764_140_244_705L, 1_764_140_244_005L, 1_764_140_244_099L, 1_764_199_999_999L}) {
            for (Level level : new Level[] {Level.INFO, Level.WARN, Level.ERROR, Level.DEBUG}) {
                LoggingEvent e = new LoggingEvent("x", logger, level, "Using {} for {}", null, new Object[] {"file", "x"});
                e.setTimeStamp(ts);
                String line = both(ctx, e);
                String time = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(ts), ZoneId.systemDefault())
                        .format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
                assertThat(line).startsWith(time + " ").contains("i.d.c.i.s.ServiceRegistry - Using file for x");
            }
        }
    }

    @Test
    void stackTracesFollowTheLine() {
        LoggerContext ctx = new LoggerContext();
        Logger logger = ctx.getLogger("io.dr4j.Short");
        LoggingEvent e = new LoggingEvent("x", logger, Level.WARN, "failed", new IllegalStateException("boom"), null);
        String out = new LogConfigurator.LineLayout().doLayout(e);
        assertThat(out).contains("WARN  io.dr4j.Short - failed").contains("java.lang.IllegalStateException: boom")
                .contains("\tat io.dr4j.cli.LogConfiguratorTest");
    }

    @Test
    void levelsComeFromTheSystemProperties() {
        String old = System.getProperty("dr.log.level");
        String oldPlan = System.getProperty("dr.plan.log.level");
        try {
            System.setProperty("dr.log.level", "DEBUG");
            System.setProperty("dr.plan.log.level", "INFO");
            LoggerContext ctx = new LoggerContext();
            LogConfigurator.apply(ctx);
            assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
            assertThat(ctx.getLogger("io.dr4j.core.plan").getLevel()).isEqualTo(Level.INFO);
            assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
            System.clearProperty("dr.log.level");
            System.clearProperty("dr.plan.log.level");
            LoggerContext defaults = new LoggerContext();
            LogConfigurator.apply(defaults);
            assertThat(defaults.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
            assertThat(defaults.getLogger("io.dr4j.core.plan").getLevel()).isEqualTo(Level.ERROR);
        } finally {
            restore("dr.log.level", old);
            restore("dr.plan.log.level", oldPlan);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
