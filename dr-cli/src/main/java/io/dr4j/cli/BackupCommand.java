package io.dr4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupSource;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.postgres.BackupMode;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.logical.DumpFormat;
import io.dr4j.postgres.logical.PostgresLogicalBackup;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr backup}: a physical (full, diff, incr) or logical backup of a PostgreSQL cluster. */
@Command(name = "backup", description = {"Back up a PostgreSQL cluster into the repository (created on first use).",
        "Physical backups read the data directory directly (--pgdata, or PGDATA) or stream pg_basebackup; logical "
                + "backups run pg_dump.", "Exit code 3 when the backup completed but found problems (e.g. page "
                + "checksum failures, listed)."})
final class BackupCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Mixin
    PgOptions pg = new PgOptions();

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The data directory, when readable here (PGDATA, "
            + "dr.postgres.data-dir). Without it, stream mode is used.")
    Path pgdata;

    @Option(names = "--type", paramLabel = "TYPE", description = "full (default), diff, incr or logical.")
    String type = "full";

    @Option(names = "--mode", paramLabel = "MODE", description = "direct, stream or auto (default).")
    String mode = "auto";

    @Option(names = "--format", paramLabel = "FORMAT", description = "Logical backups: directory (default), custom or plain (.sql.gz).")
    String format = "directory";

    @Option(names = "--parallel", paramLabel = "N", description = "Files (or pg_dump jobs) in parallel; default: cores.")
    int parallel;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label stored in the manifest (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--wal-timeout", paramLabel = "DURATION", description = "How long to wait for the backup's WAL "
            + "to be archived when it cannot be copied locally (default 2m).")
    String walTimeout = "2m";

    @Option(names = "--init-non-empty", description = "Create the repository even when its location holds other "
            + "files (refused by default; dr.repository.init-non-empty).")
    boolean initNonEmpty;

    @Override
    public Integer call() {
        Cli cli = parent.cli().initNonEmpty(initNonEmpty);
        BackupType t = BackupType.parse(type);
        Path dataDir = pgdata != null ? pgdata
                : cli.config().get("dr.postgres.data-dir").or(() -> java.util.Optional.ofNullable(cli.env().get("PGDATA")))
                .map(Path::of).filter(Files::isDirectory).orElse(null);
        BackupSource source = t == BackupType.LOGICAL
                ? PostgresLogicalBackup.builder().target(pg.target(cli)).format(DumpFormat.parse(format)).jobs(parallel).build()
                : PostgresBackupSource.builder(pg.cluster(cli, dataDir)).mode(BackupMode.parse(mode))
                .walTimeout(io.dr4j.core.config.ProviderConfig.parseDuration(walTimeout)).build();
        String systemId = source.systemId();
        try (DisasterRecovery dr = cli.disasterRecovery(); Repository repo = dr.openRepository(systemId, "postgresql")) {
            cli.info("Backing up (" + t.id() + ") into " + repo.target().location() + " ...");
            // the attempt and a failure's reason reach status/last-backup.json through the repository's listeners
            // (Cli#disasterRecovery), as in any embedding application
            BackupResult r = source.backup(repo, BackupRequest.of(t).withParallelism(parallel).withLabels(labels)
                    .withProgress(cli.progress()));
            if (cli.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", r.id());
                out.put("type", r.manifest().type().id());
                out.put("size", r.manifest().size());
                out.put("storedSize", r.manifest().storedSize());
                out.put("files", r.manifest().files().size());
                out.put("properties", r.manifest().properties());
                out.put("phases", r.phases());
                out.put("seconds", r.total().toMillis() / 1000.0);
                out.put("warnings", r.warnings());
                Output.json(cli.out(), out);
            } else {
                cli.endProgressLine();
                cli.info("Backup " + r.id() + " complete: " + r.manifest().files().size() + " files, "
                        + ProgressRenderer.bytes(r.manifest().size()) + " (stored " + ProgressRenderer.bytes(r.manifest().storedSize())
                        + ") in " + seconds(r.total()));
                r.warnings().forEach(w -> cli.err().println("warning: " + w));
            }
            return r.warnings().isEmpty() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
        }
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
