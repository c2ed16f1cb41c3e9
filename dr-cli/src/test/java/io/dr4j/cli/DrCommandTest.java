package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class DrCommandTest {
    private static DrCommand root() {
        PrintWriter none = new PrintWriter(new StringWriter());
        return new DrCommand(Map.of(), none, none, false);
    }

    @Test
    void subcommandNamesAreTheCommandsOwnNames() {
        DrCommand.SUBCOMMANDS.forEach((name, type) ->
                assertThat(type.getAnnotation(CommandLine.Command.class).name()).as(type.getName()).isEqualTo(name));
        assertThat(DrCommand.commandLine(root()).getSubcommands()).containsOnlyKeys(DrCommand.SUBCOMMANDS.keySet());
    }

    @Test
    void fastPathRegistersOnlyTheNamedCommandAndParsesTheSameOptions() {
        String[] args = {"restore", "-q", "--repo", "/tmp/x", "--to", "/tmp/y", "--target", "immediate", "--parallel", "2"};
        CommandLine fast = DrCommand.forArgs(root(), args);
        assertThat(fast.getSubcommands()).containsOnlyKeys("restore");
        CommandLine full = DrCommand.commandLine(root());
        CommandLine.ParseResult a = fast.parseArgs(args);
        CommandLine.ParseResult b = full.parseArgs(args);
        assertThat(a.subcommand().matchedOptions()).hasSameSizeAs(b.subcommand().matchedOptions());
        assertThat(a.subcommand().matchedOptions().stream().map(o -> o.longestName() + "=" + o.getValue()).toList())
                .isEqualTo(b.subcommand().matchedOptions().stream().map(o -> o.longestName() + "=" + o.getValue()).toList());
        // inherited global options (-q, --repo) reach the subcommand on the fast path too
        assertThat(a.subcommand().hasMatchedOption("--quiet")).isTrue();
        assertThat(a.subcommand().hasMatchedOption("--repo")).isTrue();
    }

    @Test
    void everythingElseGetsTheFullTree() {
        assertThat(DrCommand.forArgs(root(), new String[] {"--help"}).getSubcommands()).hasSize(DrCommand.SUBCOMMANDS.size());
        assertThat(DrCommand.forArgs(root(), new String[] {"--repo", "x", "list"}).getSubcommands())
                .hasSize(DrCommand.SUBCOMMANDS.size());
        assertThat(DrCommand.forArgs(root(), new String[] {"restor"}).getSubcommands()).hasSize(DrCommand.SUBCOMMANDS.size());
        assertThat(DrCommand.forArgs(root(), new String[] {"--version"}).getSubcommands()).isEmpty();
    }
}
