package io.dr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine;

/**
 * Generates {@code docs/cli.md} from the commands themselves, so the reference cannot drift from the code (a test
 * compares the file with what this renders). Run: {@code java -cp dr-cli/target/dr.jar io.dr4j.cli.CliDocs docs/cli.md}.
 */
public final class CliDocs {
    private CliDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/cli.md");
        Files.writeString(out, render(), StandardCharsets.UTF_8);
        System.out.println("Wrote " + out);
    }

    /** The Markdown reference of every command. */
    public static String render() {
        StringWriter sw = new StringWriter();
        PrintWriter none = new PrintWriter(new StringWriter());
        CommandLine root = DrCommand.commandLine(new DrCommand(Map.of(), none, none, false));
        root.getCommandSpec().usageMessage().width(100);
        StringBuilder sb = new StringBuilder();
        sb.append("# `dr` command reference\n\n");
        sb.append("Generated from the commands by `io.dr4j.cli.CliDocs`; a test fails when this file and the code "
                + "disagree. Regenerate with `./dr` built, then\n`java -cp dr-cli/target/dr.jar io.dr4j.cli.CliDocs docs/cli.md`.\n\n");
        sb.append("## dr\n\n```\n").append(usage(root)).append("```\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            append(sb, e.getValue(), "dr " + e.getKey());
        }
        sw.write(sb.toString());
        return sw.toString();
    }

    private static void append(StringBuilder sb, CommandLine cl, String name) {
        sb.append("\n## ").append(name).append("\n\n```\n").append(usage(cl)).append("```\n");
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            append(sb, e.getValue(), name + " " + e.getKey());
        }
    }

    private static String usage(CommandLine cl) {
        cl.getCommandSpec().usageMessage().width(100);
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
