package io.dr4j.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr restore}: physical restore and point-in-time recovery into a new data directory. */
@Command(name = "restore", description = {"Restore a physical backup into a new data directory, to a point in time.",
        "Checks before writing anything that the backup and every WAL segment up to the target are in the repository.",
        "With --start, starts the server and returns once recovery has really ended."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The new data directory (must be empty unless --delta).")
    Path to;

    @Option(names = "--backup", paramLabel = "ID", description = "The backup (default: the newest that suits the target).")
    String backup;

    @ArgGroup(exclusive = true)
    Target target = new Target();

    static final class Target {
        @Option(names = "--target-time", paramLabel = "ISO8601", description = "Recover to this time, e.g. 2026-11-09T14:30:00Z.")
        String time;

        @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover to this WAL location, e.g. 0/3000060.")
        String lsn;

        @Option(names = "--target-xid", paramLabel = "XID", description = "Recover to this transaction id.")
        Long xid;

        @Option(names = "--target-name", paramLabel = "NAME", description = "Recover to this restore point.")
        String name;

        @Option(names = "--target", paramLabel = "WHERE", description = "immediate (as soon as consistent) or latest (default).")
        String where;
    }

    @Option(names = "--exclusive", description = "Stop just before the target rather than just after it.")
    boolean exclusive;

    @Option(names = "--target-timeline", paramLabel = "TLI", description = "The timeline to follow (default: latest).")
    String timeline;

    @Option(names = "--delta", description = "Restore into an existing data directory, fetching only files that differ.")
    boolean delta;

    @Option(names = "--start", description = "Start the restored server and wait until recovery has ended.")
    boolean start;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the restored server (default: a free port).")
    Integer port;

    @Option(names = "--parallel", paramLabel = "N", description = "Concurrent downloads (default: cores).")
    int parallel;

    @Option(names = "--checksum", paramLabel = "ALGORITHM", description = "What each restored file is checked against: "
            + "crc32c (default; the CRC-32C its backup recorded, older backups' files their SHA-256) or sha256 (every "
            + "file's SHA-256; ~0.5 s more CPU per GB).")
    String checksum;

    RecoveryTarget recoveryTarget() {
        boolean inclusive = !exclusive;
        if (target.time != null) {
            return new RecoveryTarget.Time(parseTime(target.time), inclusive);
        }
        if (target.lsn != null) {
            return new RecoveryTarget.Lsn(target.lsn, inclusive);
        }
        if (target.xid != null) {
            return new RecoveryTarget.Xid(target.xid, inclusive);
        }
        if (target.name != null) {
            return RecoveryTarget.name(target.name);
        }
        if (target.where == null || target.where.equalsIgnoreCase("latest")) {
            return RecoveryTarget.latest();
        }
        if (target.where.equalsIgnoreCase("immediate")) {
            return RecoveryTarget.immediate();
        }
        throw new ConfigurationException("--target must be immediate or latest, was '" + target.where + "'");
    }

    static Instant parseTime(String s) {
        try {
            return OffsetDateTime.parse(s.trim().replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s.trim().replace(' ', 'T') + (s.endsWith("Z") ? "" : "Z"));
            } catch (DateTimeParseException e2) {
                throw new ConfigurationException("--target-time '" + s + "' is not an ISO-8601 time; use e.g. "
                        + "2026-11-09T14:30:00Z or 2026-11-09T15:30:00+01:00");
            }
        }
    }

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        RecoveryTarget rt = recoveryTarget();
        Map<String, String> options = new LinkedHashMap<>();
        if (port != null) {
            options.put("port", port.toString());
        }
        if (checksum != null) {
            options.put(RestoreRequest.CHECKSUM, checksum);
        }
        PostgresRestoreStrategy strategy = strategy(new java.util.concurrent.atomic.AtomicReference<>());
        try (Repository repo = cli.repository()) {
            cli.info("Restoring into " + to + " (" + describe(rt) + ") ...");
            RestoreResult r = strategy.restore(repo, RestoreRequest.to(to).withBackup(backup).withTarget(rt)
                    .withTimeline(timeline).withDelta(delta).withStart(start).withParallelism(parallel)
                    .withOptions(options).withProgress(cli.progress()));
            if (cli.json()) {
                Output.json(cli.out(), r);
            } else {
                cli.endProgressLine();
                cli.info("Restored backup " + r.backupId() + " into " + r.destination() + ": "
                        + r.filesRestored() + " files, " + ProgressRenderer.bytes(r.bytesRestored()) + " in "
                        + BackupCommand.seconds(r.total()));
                if (r.recoveredToLsn() != null || r.recoveredToTime() != null) {
                    cli.info("Recovered to " + (r.recoveredToLsn() == null ? "" : "LSN " + r.recoveredToLsn() + " ")
                            + (r.recoveredToTime() == null ? "" : "(" + r.recoveredToTime() + ")")
                            + (r.timeline() == null ? "" : ", timeline " + r.timeline()));
                }
                r.phases().forEach((k, v) -> cli.info(String.format("  %-14s %s", k, BackupCommand.seconds(v))));
                r.details().forEach((k, v) -> cli.info(String.format("  %-14s %s", k, v)));
            }
            return ExitCode.OK;
        }
    }

    /**
     * The restore strategy of the CLI: the machine's server binaries of the backup's major version, else those shipped
     * with dr; {@code used} receives the binaries the restored server was started with.
     */
    static PostgresRestoreStrategy strategy(java.util.concurrent.atomic.AtomicReference<PostgresBinaries> used) {
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "dr4j-pg-binaries");
        return PostgresRestoreStrategy.builder().binaries(major -> {
            PostgresBinaries b = PostgresBinaries.installed(major).or(() -> PostgresBinaries.fromClasspath(cache)
                    .filter(x -> x.majorVersion() == major)).orElseThrow(() -> new io.dr4j.core.restore.RestoreFailedException(
                    "No PostgreSQL " + major + " server binaries to start the restored server: install postgresql-"
                            + major + ", or restore without --start and start it yourself"));
            used.set(b);
            return b;
        }).build();
    }

    static String describe(RecoveryTarget t) {
        if (t instanceof RecoveryTarget.Time x) {
            return "to time " + x.time();
        }
        if (t instanceof RecoveryTarget.Lsn x) {
            return "to LSN " + x.lsn();
        }
        if (t instanceof RecoveryTarget.Xid x) {
            return "to xid " + x.xid();
        }
        if (t instanceof RecoveryTarget.Name x) {
            return "to restore point " + x.name();
        }
        return t instanceof RecoveryTarget.Immediate ? "to the first consistent point" : "to the end of the archived WAL";
    }
}
