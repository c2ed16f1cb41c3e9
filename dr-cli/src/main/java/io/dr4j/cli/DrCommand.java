package io.dr4j.cli;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command. */
@Command(name = "dr", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "dr4j: backups, WAL archiving, point-in-time recovery, deploy/rollback and recovery drills.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed", "2:usage or configuration error",
                "3:verification found problems"},
        footer = {"", "Configuration precedence: flags > DR_* environment variables > --config file.",
                "PostgreSQL connection also from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE."})
public final class DrCommand implements Runnable {
    /**
     * Every subcommand by name, in the order of the usage help. Registered by {@link #commandLine} rather than
     * through {@code @Command(subcommands = ...)}: picocli builds the model of each registered command by reflection
     * when the root is created, which took ~0.25 s of a CLI call's start-up for ~20 commands of which it runs one.
     * The names must equal each class's {@code @Command(name)} (DrCommandTest checks).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("list", ListCommand.class);
        m.put("info", InfoCommand.class);
        m.put("verify", VerifyCommand.class);
        m.put("expire", ExpireCommand.class);
        m.put("restore-database", RestoreDatabaseCommand.class);
        m.put("backup", BackupCommand.class);
        m.put("restore", RestoreCommand.class);
        m.put("archive", ArchiveCommand.class);
        m.put("wal-push", WalCommands.Push.class);
        m.put("wal-fetch", WalCommands.Fetch.class);
        m.put("demo", DemoCommand.class);
        m.put("storage", StorageCommand.class);
        m.put("key", KeyCommand.class);
        m.put("plan", PlanCommand.class);
        m.put("deploy", DeployCommands.Deploy.class);
        m.put("rollback", DeployCommands.Rollback.class);
        m.put("history", DeployCommands.History.class);
        m.put("health", HealthCommand.class);
        m.put("drill", DrillCommand.class);
        return Collections.unmodifiableMap(m);
    }

    /** The command line with every subcommand (usage, docs, anything but the fast path of {@link #forArgs}). */
    static CommandLine commandLine(DrCommand root) {
        CommandLine cl = new CommandLine(root);
        SUBCOMMANDS.forEach(cl::addSubcommand);
        return cl;
    }

    /**
     * The command line for these arguments: when the first argument names a subcommand, or is {@code --version},
     * only that subcommand is registered (what it parses and runs is the same; start-up is shorter); otherwise
     * all of them (help, suggestions for a mistyped name, options before the command).
     */
    static CommandLine forArgs(DrCommand root, String[] args) {
        if (args.length > 0 && (SUBCOMMANDS.containsKey(args[0]) || args[0].equals("--version") && args.length == 1)) {
            CommandLine cl = new CommandLine(root);
            Class<?> only = SUBCOMMANDS.get(args[0]);
            if (only != null) {
                cl.addSubcommand(args[0], only);
            }
            return cl;
        }
        return commandLine(root);
    }

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
