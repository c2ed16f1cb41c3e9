package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** Every {@code dr ...} command the runbooks (docs/runbooks/*.md) tell people to type is a command the CLI accepts. */
class RunbookCommandsTest {
    private static final Pattern COMMAND = Pattern.compile("`(dr [^`]+)`");

    @Test
    void everyDrCommandInTheDocsParses() throws Exception {
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("..", "docs", "runbooks"))) {
            s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        assertThat(docs).hasSizeGreaterThanOrEqualTo(5);
        int checked = 0;
        List<String> broken = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = COMMAND.matcher(Files.readString(doc));
            while (m.find()) {
                String line = m.group(1).replaceAll("<[^>]+>", "placeholder").replaceAll("\\bplaceholder\\b(?=\\s*$)", "placeholder");
                String[] args = line.substring(3).trim().split("\\s+");
                PrintWriter none = new PrintWriter(new StringWriter());
                try {
                    DrCommand.commandLine(new DrCommand(Map.of(), none, none, false)).parseArgs(args);
                    checked++;
                } catch (CommandLine.ParameterException e) {
                    broken.add(doc.getFileName() + ": `" + m.group(1) + "`: " + e.getMessage());
                }
            }
        }
        assertThat(broken).as("runbook commands the CLI does not accept").isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(5);
    }
}
