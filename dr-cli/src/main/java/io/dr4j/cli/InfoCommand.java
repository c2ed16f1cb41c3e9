package io.dr4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr info BACKUP_ID}: one backup in detail. */
@Command(name = "info", description = "Show one backup: type, times, sizes, source facts, its chain and files.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Parameters(paramLabel = "BACKUP_ID", description = "The backup id (see 'dr list').")
    String id;

    @Option(names = "--files", description = "Also list every file.")
    boolean files;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        BackupId.validate(id);
        try (Repository repo = cli.repository()) {
            BackupManifest m = repo.catalog().get(id);
            if (cli.json()) {
                Output.json(cli.out(), m);
                return ExitCode.OK;
            }
            var out = cli.out();
            out.println("Backup      " + m.id());
            out.println("Type        " + m.type().id() + (m.parentId() == null ? "" : " (based on " + m.parentId() + ")"));
            out.println("System      " + m.systemId() + " (" + m.sourceKind() + ")");
            out.println("Started     " + m.startedAt());
            out.println("Finished    " + m.finishedAt());
            out.println("Size        " + ProgressRenderer.bytes(m.size()) + ", stored " + ProgressRenderer.bytes(m.storedSize()));
            long referenced = m.files().stream().filter(f -> f.fromBackup() != null).count();
            out.println("Files       " + m.files().stream().filter(f -> f.kind() == BackupFile.Kind.FILE).count()
                    + (referenced > 0 ? " (" + referenced + " referenced from earlier backups)" : ""));
            m.properties().forEach((k, v) -> out.println(String.format("%-12s%s", k, v)));
            if (m.parentId() != null) {
                out.println("Chain       " + String.join(" <- ", repo.catalog().chain(m).stream().map(BackupManifest::id).toList()));
            }
            if (files) {
                List<List<String>> rows = new ArrayList<>();
                for (BackupFile f : m.files()) {
                    rows.add(List.of(f.path(), f.kind().name().toLowerCase(java.util.Locale.ROOT),
                            String.valueOf(f.size()), f.fromBackup() == null ? "" : f.fromBackup()));
                }
                out.println();
                Output.table(out, List.of("PATH", "KIND", "SIZE", "FROM"), rows);
            }
            out.flush();
        }
        return ExitCode.OK;
    }
}
