package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliLogProviderTest {
    @TempDir
    Path dir;

    @Test
    void logbackIsConfiguredAsByTheConfiguratorService() {
        String old = System.getProperty("dr.log.level");
        try {
            System.setProperty("dr.log.level", "INFO");
            CliLogProvider p = new CliLogProvider();
            p.initialize();
            LoggerContext ctx = (LoggerContext) p.getLoggerFactory();
            assertThat(ctx.isStarted()).isTrue();
            assertThat(ctx.getName()).isEqualTo("default");
            Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.INFO);
            assertThat(root.getAppender("STDERR")).isNotNull();
            assertThat(ctx.getLogger("io.dr4j.core.plan").getLevel()).isEqualTo(Level.ERROR);
            assertThat(p.getMDCAdapter()).isSameAs(ctx.getMDCAdapter());
            assertThat(p.getMarkerFactory().getMarker("x").getName()).isEqualTo("x");
            assertThat(p.getRequestedApiVersion()).startsWith("2.0");
        } finally {
            restore("dr.log.level", old);
        }
    }

    @Test
    void aLogbackConfigurationFileStillTakesPrecedence() throws Exception {
        Path xml = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="MINE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="MINE"/></root>
                </configuration>
                """);
        String old = System.getProperty("logback.configurationFile");
        try {
            System.setProperty("logback.configurationFile", xml.toString());
            CliLogProvider p = new CliLogProvider();
            p.initialize();
            Logger root = ((LoggerContext) p.getLoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getAppender("MINE")).isNotNull();
            assertThat(root.getAppender("STDERR")).isNull();
            assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        } finally {
            restore("logback.configurationFile", old);
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
