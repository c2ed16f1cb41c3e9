package io.dr4j.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends the figures docs/reliability.md reports to {@code target/reliability-figures.txt}. */
final class FaultFigures {
    private FaultFigures() {
    }

    static synchronized void record(String what, long count) {
        String line = what + ": " + count + System.lineSeparator();
        System.out.print("FIGURE " + line);
        try {
            Files.writeString(Path.of("target", "reliability-figures.txt"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // figures are informational
        }
    }
}
