package io.dr4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.postgres.wal.WalFetch;
import io.dr4j.postgres.wal.WalPush;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code archive_command} and {@code restore_command} entry points. */
final class WalCommands {
    private WalCommands() {
    }

    /**
     * The system identifier of the cluster whose data directory is {@code dataDir}: the first 8 bytes of
     * {@code global/pg_control} (little-endian on every platform PostgreSQL supports here).
     */
    static String systemIdFromDataDir(Path dataDir) {
        Path control = dataDir.resolve("global").resolve("pg_control");
        try (InputStream in = Files.newInputStream(control)) {
            byte[] b = in.readNBytes(8);
            if (b.length < 8) {
                throw new ConfigurationException(control + " is too short to be a pg_control file");
            }
            return Long.toUnsignedString(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong());
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the system identifier from " + control + " (" + e.getMessage()
                    + "). Run wal-push from the data directory (PostgreSQL does for archive_command), set PGDATA, "
                    + "or pass --system-id");
        }
    }

    @Command(name = "wal-push", description = {"archive_command entry point: store a completed WAL file.",
            "archive_command = 'dr wal-push %%p'. Pushing the same file again succeeds; different content under the "
                    + "same name fails (exit 1) and is never overwritten."})
    static final class Push implements Callable<Integer> {
        @ParentCommand
        DrCommand parent;

        @Parameters(paramLabel = "PATH", description = "The WAL file (%%p).")
        Path path;

        @Option(names = "--system-id", paramLabel = "ID", description = "The cluster's system identifier (default: "
                + "read from global/pg_control of the current directory or PGDATA).")
        String systemId;

        @Override
        public Integer call() {
            Cli cli = parent.cli();
            String id = systemId;
            if (id == null) {
                Path cwd = Path.of("").toAbsolutePath();
                Path dataDir = Files.exists(cwd.resolve("global/pg_control")) || cli.env().get("PGDATA") == null ? cwd
                        : Path.of(cli.env().get("PGDATA"));
                id = systemIdFromDataDir(dataDir);
            }
            Path file = path.isAbsolute() ? path : Path.of("").toAbsolutePath().resolve(path);
            try (DisasterRecovery dr = cli.disasterRecovery(); Repository repo = dr.openRepository(id, "postgresql")) {
                WalPush.Result r = new WalPush(repo).push(file);
                if (cli.verbose()) {
                    cli.err().println("dr wal-push: " + r.name() + " " + r.outcome());
                }
                return r.exitCode();
            }
        }
    }

    @Command(name = "wal-fetch", description = {"restore_command entry point: fetch a WAL file from the repository.",
            "restore_command = 'dr wal-fetch %%f %%p'. Exit 1 when the file is not in the repository (the end of the "
                    + "archived WAL, as PostgreSQL expects), 200 on errors (so that PostgreSQL stops recovery rather than "
                    + "ending it early)."})
    static final class Fetch implements Callable<Integer> {
        @ParentCommand
        DrCommand parent;

        @Parameters(index = "0", paramLabel = "SEGMENT", description = "The WAL file name (%%f).")
        String name;

        @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p).")
        Path dest;

        @Override
        public Integer call() {
            Cli cli = parent.cli();
            try (Repository repo = cli.repository()) {
                WalFetch.Outcome o = new WalFetch(repo).servePartial(true).fetch(name, dest.isAbsolute() ? dest
                        : Path.of("").toAbsolutePath().resolve(dest));
                if (cli.verbose()) {
                    cli.err().println("dr wal-fetch: " + name + " " + o);
                }
                return o.exitCode();
            } catch (io.dr4j.core.DrException e) {
                // above 125: PostgreSQL aborts recovery instead of taking the error for the end of the WAL
                cli.err().println("dr wal-fetch: " + e.getMessage());
                cli.err().flush();
                return WalFetch.EXIT_ERROR;
            }
        }
    }
}
