package io.dr4j.postgres.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The generated {@code restore_command}: a small POSIX shell script that copies a WAL file from the spool
 * directory to where PostgreSQL wants it, waiting for the filler when the file is expected but not there yet, and
 * answering "not archived" at once for files that will never come (PostgreSQL probes for newer timelines).
 */
public final class RestoreCommandScript {
    public static final String NAME = "dr4j-restore-command.sh";

    private RestoreCommandScript() {
    }

    /** Writes the script into {@code spoolDir} and returns the {@code restore_command} setting that runs it. */
    public static String write(Path spoolDir, int waitSeconds) throws IOException {
        Path script = spoolDir.resolve(NAME);
        String s = "#!/bin/sh\n"
                + "# dr4j restore_command: serves WAL from the spool that dr4j fills ahead of replay\n"
                + "S=" + quote(spoolDir.toAbsolutePath().toString()) + "\n"
                + "f=\"$1\"; p=\"$2\"\n"
                + "grep -qxF \"$f\" \"$S/.expected\" 2>/dev/null || exit 1\n"
                + "echo \"$f\" > \"$S/.last.tmp\" && mv -f \"$S/.last.tmp\" \"$S/.last\"\n"
                + "n=0\n"
                + "while [ ! -f \"$S/$f\" ]; do\n"
                + "  [ -f \"$S/.failed\" ] && { cat \"$S/.failed\" >&2; exit 1; }\n"
                + "  [ -f \"$S/.complete\" ] && [ ! -f \"$S/$f\" ] && exit 1\n"
                + "  n=$((n+1)); [ $n -gt " + (waitSeconds * 10) + " ] && { echo \"dr4j: timed out waiting for $f\" >&2; exit 1; }\n"
                + "  sleep 0.1\n"
                + "done\n"
                + "exec cp \"$S/$f\" \"$p\"\n";
        Files.writeString(script, s);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return quote(script.toAbsolutePath().toString()) + " \"%f\" \"%p\"";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
