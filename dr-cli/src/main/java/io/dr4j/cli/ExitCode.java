package io.dr4j.cli;

/** The exit codes of {@code dr}; documented in docs/cli.md and never used for anything else. */
public final class ExitCode {
    /** Everything worked. */
    public static final int OK = 0;
    /** The operation failed (nothing partial is left visible). */
    public static final int FAILED = 1;
    /** The command line or configuration was wrong; nothing was done. */
    public static final int USAGE = 2;
    /** A verification ran and found problems (corrupt objects, WAL gaps, failed checks). */
    public static final int PROBLEMS_FOUND = 3;

    private ExitCode() {
    }
}
