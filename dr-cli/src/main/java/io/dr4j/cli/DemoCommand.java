package io.dr4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dr4j.examples.demo.CorruptionDemo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr demo}: the database-corruption drill end to end on an embedded PostgreSQL. */
@Command(name = "demo", description = {"Run the DR plan's database-corruption drill end to end on an embedded "
        + "PostgreSQL: sample data, WAL streaming, a full backup, more writes, an accidental DROP TABLE, "
        + "point-in-time recovery to just before it, verification, and the report with the measured RTO and RPO.",
        "Uses the machine's PostgreSQL when installed, else the server binaries shipped with dr."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", description = "Working directory (default ./dr-demo): repository, "
            + "reports, clusters.")
    Path dir = Path.of("dr-demo");

    @Override
    public Integer call() throws Exception {
        Cli cli = parent.cli();
        CorruptionDemo.Outcome o = new CorruptionDemo(dir, cli.out(), cli.progress()).run();
        cli.out().println(o.passed()
                ? "Drill passed in " + String.format(java.util.Locale.ROOT, "%.1f s", o.total().toMillis() / 1000.0)
                + ": the data is back as of just before the accident; repository " + o.repository()
                : "Drill FAILED: see the report " + o.reports());
        cli.out().flush();
        return o.passed() ? ExitCode.OK : ExitCode.FAILED;
    }
}
