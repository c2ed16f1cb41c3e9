package io.dr4j.cli;

import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command. */
@Command(name = "dr", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "dr4j: backups, WAL archiving, point-in-time recovery, deploy/rollback and recovery drills.",
        subcommands = {ListCommand.class, InfoCommand.class, VerifyCommand.class, ExpireCommand.class,
                RestoreDatabaseCommand.class, BackupCommand.class, RestoreCommand.class, ArchiveCommand.class,
                WalCommands.Push.class, WalCommands.Fetch.class, DemoCommand.class,
                StorageCommand.class, KeyCommand.class, PlanCommand.class, DeployCommands.Deploy.class,
                DeployCommands.Rollback.class, DeployCommands.History.class, HealthCommand.class,
                DrillCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed", "2:usage or configuration error",
                "3:verification found problems"},
        footer = {"", "Configuration precedence: flags > DR_* environment variables > --config file.",
                "PostgreSQL connection also from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE."})
public final class DrCommand implements Runnable {
    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;

    DrCommand(Map<String, String> env, PrintWriter out, PrintWriter err, boolean interactive) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** The context of this invocation, for subcommands. */
    Cli cli() {
        return new Cli(global, env, out, err, interactive);
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }
}
