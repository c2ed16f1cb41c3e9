package io.dr4j.postgres.restore;

import java.nio.file.Path;

import io.dr4j.postgres.cluster.FileOwner;

import org.jspecify.annotations.Nullable;

/**
 * Starts the server of a restored data directory for recovery somewhere other than with this machine's binaries,
 * e.g. in a container ({@code io.dr4j.postgres.junit.TestcontainersScratch}). The restore still runs here: it
 * downloads the data directory, writes the recovery settings and serves WAL from the spool under
 * {@code pg_wal}, so the server must see the data directory (and the spool in it) at the same path, and its
 * {@code restore_command} (a POSIX shell script using {@code cp mv rm stat date sleep}) must run where it runs.
 * The restore waits on {@code 127.0.0.1:port} until recovery has ended; the server keeps running afterwards,
 * until whoever gave the launcher stops it.
 */
public interface RecoveryLauncher {

    /**
     * Who must own the data directory, the WAL spool and every WAL file served (when this JVM is root): the user the
     * server runs as. Null: this machine's {@code postgres} OS user.
     */
    @Nullable FileOwner owner();

    /**
     * Called before anything is downloaded: throws (saying why and what to do) when this launcher cannot run a
     * server of {@code majorVersion}.
     */
    void check(int majorVersion);

    /**
     * Starts the server on {@code dataDir} (recovery settings written, {@code recovery.signal} there), listening on
     * {@code 127.0.0.1:port}; returns once the server process runs, recovery may still be going on.
     */
    Running start(Path dataDir, int port, int majorVersion);

    /** A server this launcher started. */
    interface Running {
        /** False once the server process has ended (e.g. recovery failed). */
        boolean alive();

        /** The last lines of the server's log, for error messages. */
        String logTail();

        /** What and where it is, for messages, e.g. {@code container 1a2b3c (postgres:15)}. */
        String description();

        /** Stops the server and removes what the launcher created for it (not the data directory). */
        void stop();
    }
}
