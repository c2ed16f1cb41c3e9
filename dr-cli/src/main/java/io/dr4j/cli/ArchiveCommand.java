package io.dr4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.wal.WalArchiver;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr archive}: the streaming WAL archiver, until stopped (Ctrl-C / SIGTERM). */
@Command(name = "archive", description = {"Stream WAL from PostgreSQL into the repository until stopped, on a "
        + "replication slot (created when absent) so nothing is lost while it is down.",
        "The segment being written is stored every half second (--partial-interval), so the RPO is under a second; with --sync "
                + "it acknowledges only WAL that is in the repository (name it in synchronous_standby_names: RPO 0)."})
final class ArchiveCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Mixin
    PgOptions pg = new PgOptions();

    @Option(names = "--slot", paramLabel = "NAME", description = "Replication slot (default dr4j).")
    String slot = "dr4j";

    @Option(names = "--sync", description = "Synchronous mode: report WAL flushed only once it is in the repository.")
    boolean sync;

    @Option(names = "--partial-interval", paramLabel = "DURATION", description = "How often the current segment is stored (default 500ms).")
    String partialInterval = "500ms";

    @Option(names = "--spool", paramLabel = "DIR", description = "Local spool for the segment being received.")
    Path spool;

    @Option(names = "--status-every", paramLabel = "DURATION", description = "Print the archiver status this often (default 30s).")
    String statusEvery = "30s";

    @Option(names = "--init-non-empty", description = "Create the repository even when its location holds other "
            + "files (refused by default; dr.repository.init-non-empty).")
    boolean initNonEmpty;

    @Override
    public Integer call() throws Exception {
        Cli cli = parent.cli().initNonEmpty(initNonEmpty);
        PostgresCluster cluster = pg.cluster(cli, null);
        String systemId = io.dr4j.postgres.PostgresBackupSource.builder(cluster).build().systemId();
        Properties props = new Properties();
        if (pg.target(cli).password() != null) {
            props.setProperty("password", pg.target(cli).password().reveal());
        }
        Path spoolDir = spool != null ? spool : Path.of(System.getProperty("java.io.tmpdir"), "dr4j-wal-spool-" + systemId);
        CountDownLatch stopped = new CountDownLatch(1);
        try (DisasterRecovery dr = cli.disasterRecovery(); Repository repo = dr.openRepository(systemId, "postgresql");
             WalArchiver archiver = WalArchiver.builder().jdbcUrl(cluster.jdbcUrl()).user(cluster.user())
                     .connectionProperties(props).repository(repo).spoolDir(spoolDir).slotName(slot)
                     .synchronous(sync).partialInterval(ProviderConfig.parseDuration(partialInterval)).build()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                archiver.stop();
                stopped.countDown();
            }, "dr4j-archive-stop"));
            archiver.start();
            cli.info("Archiving WAL of system " + systemId + " into " + repo.target().location() + " on slot " + slot
                    + (sync ? " (synchronous)" : "") + "; Ctrl-C to stop");
            Duration every = ProviderConfig.parseDuration(statusEvery);
            while (!stopped.await(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                cli.info(archiver.status().toString());
            }
        }
        return ExitCode.OK;
    }
}
