package io.dr4j.cli;

import java.time.Instant;
import java.time.ZoneId;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

import org.jspecify.annotations.Nullable;

/**
 * The CLI's logging configuration, in code: what {@code logback.xml} said (stderr,
 * {@code HH:mm:ss.SSS LEVEL logger{20} - message}, root level {@code dr.log.level} (default WARN), the plan runner's
 * {@code dr.plan.log.level} (default ERROR)) without logback's XML configurator, whose XML parser and model
 * classes were ~0.1 s of every CLI call's start-up. A {@code logback.configurationFile} system property, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (the CLI ships neither) still takes precedence:
 * logback's own configurators run then.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context) {
        LineLayout layout = new LineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("dr.log.level"), Level.WARN));
        root.addAppender(stderr);
        context.getLogger("io.dr4j.core.plan").setLevel(Level.toLevel(System.getProperty("dr.plan.log.level"), Level.ERROR));
    }

    /** {@code %d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n}, then the stack trace if any. */
    static final class LineLayout extends LayoutBase<ILoggingEvent> {
        private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(20);
        /**
         * Looked up at the first line, not when logging starts: the first time-zone lookup of a JVM asks
         * {@code ServiceLoader} for zone rule providers, which reads every jar of the class path (~0.2 s of a call
         * that logs nothing, the usual case).
         */
        private volatile @Nullable ZoneId zone;

        @Override
        public String doLayout(ILoggingEvent event) {
            ZoneId zone = this.zone;
            if (zone == null) {
                zone = ZoneId.systemDefault();
                this.zone = zone;
            }
            StringBuilder sb = new StringBuilder(128);
            Instant at = Instant.ofEpochMilli(event.getTimeStamp());
            long local = event.getTimeStamp() / 1000 + zone.getRules().getOffset(at).getTotalSeconds();
            long secondOfDay = Math.floorMod(local, 86_400L);
            two(sb, secondOfDay / 3600).append(':');
            two(sb, secondOfDay / 60 % 60).append(':');
            two(sb, secondOfDay % 60).append('.');
            long millis = Math.floorMod(event.getTimeStamp(), 1000L);
            sb.append(millis < 100 ? (millis < 10 ? "00" : "0") : "").append(millis).append(' ');
            String level = event.getLevel().toString();
            sb.append(level);
            for (int i = level.length(); i < 5; i++) {
                sb.append(' ');
            }
            sb.append(' ').append(abbreviator.abbreviate(event.getLoggerName())).append(" - ")
                    .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy tp = event.getThrowableProxy();
            if (tp != null) {
                sb.append(ThrowableProxyUtil.asString(tp)).append(CoreConstants.LINE_SEPARATOR);
            }
            return sb.toString();
        }

        private static StringBuilder two(StringBuilder sb, long v) {
            return sb.append(v < 10 ? "0" : "").append(v);
        }
    }
}
