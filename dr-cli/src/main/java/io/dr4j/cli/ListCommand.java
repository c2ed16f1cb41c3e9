package io.dr4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code dr list}: the complete backups of the repository. */
@Command(name = "list", description = "List the complete backups of the repository (oldest first).")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        try (Repository repo = cli.repository()) {
            List<BackupManifest> backups = repo.catalog().list();
            if (cli.json()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (BackupManifest m : backups) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", m.id());
                    row.put("type", m.type().id());
                    row.put("parentId", m.parentId());
                    row.put("startedAt", m.startedAt());
                    row.put("finishedAt", m.finishedAt());
                    row.put("size", m.size());
                    row.put("storedSize", m.storedSize());
                    row.put("files", m.files().size());
                    row.put("properties", m.properties());
                    rows.add(row);
                }
                Output.json(cli.out(), rows);
            } else if (backups.isEmpty()) {
                cli.info("No complete backups in " + repo.target().location());
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (BackupManifest m : backups) {
                    rows.add(List.of(m.id(), m.type().id(), String.valueOf(m.finishedAt()),
                            ProgressRenderer.bytes(m.size()), ProgressRenderer.bytes(m.storedSize()),
                            m.parentId() == null ? "-" : m.parentId()));
                }
                Output.table(cli.out(), List.of("ID", "TYPE", "FINISHED", "SIZE", "STORED", "BASED ON"), rows);
            }
        }
        return ExitCode.OK;
    }
}
