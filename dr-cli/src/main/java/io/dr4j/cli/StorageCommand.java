package io.dr4j.cli;

import java.util.concurrent.Callable;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.storage.StorageSelfTest;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code dr storage check}: what the store really does. */
@Command(name = "storage", description = "Storage commands.", subcommands = StorageCommand.Check.class)
final class StorageCommand implements Runnable {
    @ParentCommand
    DrCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(parent.cli().out());
    }

    @Command(name = "check", description = {"Exercise the repository's store on a scratch prefix: put, stat, get, "
            + "ranged get, listing with pages, create-only on an existing key, delete; and compare the capabilities "
            + "it claims with what it did. Removes the scratch objects afterwards.",
            "Exit code 3 when a check failed or a claimed capability was not observed."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        StorageCommand storage;

        @Override
        public Integer call() {
            Cli cli = storage.parent.cli();
            try (DisasterRecovery dr = cli.disasterRecovery()) {
                StorageSelfTest.Report r = StorageSelfTest.run(dr.target());
                if (cli.json()) {
                    Output.json(cli.out(), r);
                } else {
                    cli.out().println(r.summary());
                    cli.out().flush();
                }
                return r.passed() && r.claimedButNotObserved().isEmpty() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
            }
        }
    }
}
