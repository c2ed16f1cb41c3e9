package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import io.dr4j.core.Progress;

import org.junit.jupiter.api.Test;

class ProgressRendererTest {
    private static final Progress HALF = new Progress("restore", "download", 50, 100, 1, 2, Duration.ofSeconds(1));

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndItsLineEndedOnce() {
        StringWriter s = new StringWriter();
        ProgressRenderer r = new ProgressRenderer(new PrintWriter(s), true);
        r.onProgress(HALF);
        assertThat(s.toString()).startsWith("\rrestore download [").doesNotContain("\n");
        r.finish();
        r.finish();
        assertThat(s.toString()).endsWith("\n").containsOnlyOnce("\n");
    }

    @Test
    void nothingDrawnMeansNoStrayEmptyLine() {
        StringWriter terminal = new StringWriter();
        new ProgressRenderer(new PrintWriter(terminal), true).finish();
        assertThat(terminal.toString()).isEmpty();
        StringWriter plain = new StringWriter();
        ProgressRenderer r = new ProgressRenderer(new PrintWriter(plain), false);
        r.onProgress(HALF);
        r.finish();
        assertThat(plain.toString()).startsWith("restore download [").endsWith("ETA 1s" + System.lineSeparator())
                .containsOnlyOnce(System.lineSeparator());
    }
}
