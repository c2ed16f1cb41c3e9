package io.dr4j.cli;


import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.monitor.BackupMonitor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr health}: the backup monitor's checks, once. */
@Command(name = "health", description = {"Check the repository like the backup monitor does: newest backup age "
        + "(24 h by default), failed backups and leftovers, size anomalies, WAL archive lag, and free space of a "
        + "local repository.", "Exit code 0 when all are UP, 3 when any is DEGRADED or DOWN."})
final class HealthCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Option(names = "--max-age", paramLabel = "DURATION", description = "Newest backup older than this is DOWN "
            + "(default: dr.monitor.max-backup-age, else 24h).")
    String maxAge;

    @Option(names = "--max-wal-age", paramLabel = "DURATION", description = "Newest archived WAL older than this is DOWN (default: not checked).")
    String maxWalAge;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        try (Repository repo = cli.repository()) {
            BackupMonitor.Builder b = BackupMonitor.builder(repo);
            if (repo.target() instanceof io.dr4j.core.storage.FileBackupTarget f) {
                b.localCapacity(f.root(), 1L << 30, 5);
            }
            b.configure(cli.config());
            if (maxAge != null) {
                b.maxBackupAge(ProviderConfig.parseDuration(maxAge));
            }
            if (maxWalAge != null) {
                b.walLag(ProviderConfig.parseDuration(maxWalAge), null, 2);
            }
            List<HealthResult> results = b.build().run();
            HealthStatus worst = HealthStatus.UP;
            for (HealthResult r : results) {
                worst = worst.worst(r.status());
            }
            if (cli.json()) {
                Output.json(cli.out(), results);
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (HealthResult r : results) {
                    rows.add(List.of(r.name(), r.status().name(), r.message()));
                }
                Output.table(cli.out(), List.of("CHECK", "STATUS", "DETAIL"), rows);
            }
            return worst == HealthStatus.UP ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
        }
    }

}
