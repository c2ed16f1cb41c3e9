package io.dr4j.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/**
 * Runs PostgreSQL's tools. PostgreSQL refuses to run as root: when this JVM runs as root, commands run as the
 * {@code postgres} OS user through {@code runuser}, and directories handed to them are chowned to that user.
 * Secrets go through the environment (e.g. PGPASSWORD), never the command line. Internal.
 */
public final class Processes {
    /**
     * The OS user PostgreSQL's tools run as when the JVM is root: {@code -Ddr.postgres.os-user}, else
     * {@code postgres}, else (a machine without PostgreSQL installed, e.g. the demo on embedded binaries)
     * {@code nobody}.
     */
    public static final String POSTGRES_USER = System.getProperty("dr.postgres.os-user",
            userExists("postgres") || !userExists("nobody") ? "postgres" : "nobody");

    /** The primary group of {@link #POSTGRES_USER} (from /etc/passwd and /etc/group), else the user's name. */
    static final String POSTGRES_GROUP = primaryGroup(POSTGRES_USER);

    private static boolean userExists(String name) {
        return passwdEntry(name) != null;
    }

    private static String @org.jspecify.annotations.Nullable [] passwdEntry(String name) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(name)) {
                    return f;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no /etc/passwd: not a Unix we know
        }
        return null;
    }

    private static String primaryGroup(String user) {
        String[] entry = passwdEntry(user);
        if (entry == null) {
            return user;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/group"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(entry[3])) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall back to the user's name
        }
        return user;
    }

    private Processes() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command, prefixed with {@code runuser -u postgres --} when running as root. */
    public static List<String> asPostgresUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", POSTGRES_USER, "--"));
        out.addAll(command);
        return out;
    }

    /** Gives a directory tree to the postgres user when running as root (no-op otherwise). */
    public static void chownToPostgres(Path dir) {
        chownTo(dir, null);
    }

    /**
     * Gives a directory tree to {@code owner} when running as root (no-op otherwise); a null owner means the postgres
     * OS user. Paths that already belong to the owner are left alone (see {@link #giverTo}).
     */
    public static void chownTo(Path dir, io.dr4j.postgres.cluster.@Nullable FileOwner owner) {
        PathGiver give = giverTo(owner);
        if (give == PathGiver.NONE) {
            return;
        }
        try {
            giveTree(dir, give);
        } catch (IOException | UnsupportedOperationException e) {
            throw chownFailed(dir, owner, e);
        }
    }

    /** Gives one path (a link itself, not its target) to an owner; see {@link #giverTo}. */
    @FunctionalInterface
    public interface PathGiver {
        /** Gives nothing: not root. */
        PathGiver NONE = p -> { };

        void give(Path p) throws IOException;
    }

    /**
     * What gives paths to {@code owner} (null: the postgres OS user) when this JVM is root, the user looked up once;
     * {@link PathGiver#NONE} otherwise. A path that already belongs to the owner is not touched: a chown, even to the
     * same owner, changes the inode (its ctime), and PostgreSQL's first start after a restore fsyncs every file of
     * its data directory, writing every such inode out one fsync at a time (part of the 0.33 s that start took on a
     * 0.8 GB restore whose files were chowned after their fsync, against pgBackRest's 0.07 s; see
     * docs/benchmarks.md, session 5).
     */
    public static PathGiver giverTo(io.dr4j.postgres.cluster.@Nullable FileOwner owner) {
        if (!isRoot()) {
            return PathGiver.NONE;
        }
        java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        if (owner == null) {
            // the numeric ids from /etc/passwd when it has the user: one lstat per path to compare, where
            // PosixFileAttributes.owner() looks each file's uid and gid up by name (2 NSS lookups per file)
            String[] entry = passwdEntry(POSTGRES_USER);
            if (entry != null && entry[2].matches("\\d+") && entry[3].matches("\\d+")) {
                owner = new io.dr4j.postgres.cluster.FileOwner(Integer.parseInt(entry[2]), Integer.parseInt(entry[3]));
            }
        }
        if (owner != null) {
            io.dr4j.postgres.cluster.FileOwner o = owner;
            return p -> {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid", nofollow);
                if (!Integer.valueOf(o.uid()).equals(a.get("uid"))) {
                    Files.setAttribute(p, "unix:uid", o.uid(), nofollow);
                }
                if (!Integer.valueOf(o.gid()).equals(a.get("gid"))) {
                    Files.setAttribute(p, "unix:gid", o.gid(), nofollow);
                }
            };
        }
        java.nio.file.attribute.UserPrincipal user;
        java.nio.file.attribute.GroupPrincipal group;
        try {
            UserPrincipalLookupService lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
            user = lookup.lookupPrincipalByName(POSTGRES_USER);
            group = lookup.lookupPrincipalByGroupName(POSTGRES_GROUP);
        } catch (IOException e) {
            throw chownFailed(null, null, e);
        }
        return p -> {
            PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, nofollow);
            java.nio.file.attribute.PosixFileAttributes a = v.readAttributes();
            if (!a.owner().equals(user)) {
                v.setOwner(user);
            }
            if (!a.group().equals(group)) {
                v.setGroup(group);
            }
        };
    }

    private static DrException chownFailed(@Nullable Path p, io.dr4j.postgres.cluster.@Nullable FileOwner owner,
                                           Exception e) {
        if (owner == null) {
            return new ProcessFailedException("Could not give " + (p == null ? "files" : p) + " to the OS user '"
                    + POSTGRES_USER + "' (PostgreSQL refuses to run as root). Create that user or run dr4j as a "
                    + "non-root user", e);
        }
        return new ProcessFailedException("Could not give " + p + " to uid:gid " + owner + " (the user the "
                + "PostgreSQL server reading it runs as): " + e.getMessage(), e);
    }

    /** Applies {@code give} to {@code dir} and everything below it, links not followed; files removed meanwhile
     * (spool, temporary files) are skipped. */
    private static void giveTree(Path dir, PathGiver give) throws IOException {
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                apply(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                apply(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE; // removed while we walked
                }
                throw e;
            }

            private void apply(Path p) throws IOException {
                try {
                    give.give(p);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while we walked
                }
            }
        });
    }

    /** Makes {@code dir} and its parents traversable by the postgres user (temp dirs are often 0700). */
    public static void makeTraversable(Path dir) {
        if (!isRoot()) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                var perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    perms = new java.util.HashSet<>(perms);
                    perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(p, perms);
                }
            } catch (IOException | UnsupportedOperationException ignored) {
                // best effort; the tool will report what it cannot reach
            }
        }
    }

    /** The outcome of a finished process. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a command to completion, output (stdout and stderr merged) captured, bounded to the last 64 KiB.
     *
     * @param env extra environment variables (secrets belong here, never in {@code command})
     */
    public static Result run(List<String> command, Map<String, String> env, @Nullable Path workDir, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ProcessFailedException("Could not start " + command.get(0) + ": " + e.getMessage()
                    + ". Is it installed and on the PATH?", e);
        }
        Tail tail = new Tail(p.getInputStream());
        Thread reader = new Thread(tail, "dr4j-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ProcessFailedException(describe(command) + " did not finish within " + timeout + ". Output:\n"
                        + tail.text(), null);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProcessFailedException(describe(command) + " was interrupted", e);
        }
        return new Result(p.exitValue(), tail.text());
    }

    /** Runs and throws {@link ProcessFailedException} with the output when the exit code is not 0. */
    public static String check(List<String> command, Map<String, String> env, @Nullable Path workDir, Duration timeout) {
        Result r = run(command, env, workDir, timeout);
        if (!r.ok()) {
            throw new ProcessFailedException(describe(command) + " failed with exit code " + r.exitCode() + ":\n"
                    + r.output().strip(), null);
        }
        return r.output();
    }

    /** The program and its arguments, for messages (arguments never hold secrets by construction). */
    public static String describe(List<String> command) {
        return String.join(" ", command);
    }

    private static final class Tail implements Runnable {
        private static final int MAX = 64 * 1024;
        private final InputStream in;
        private final StringBuilder sb = new StringBuilder();

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sb) {
                        sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (sb.length() > MAX) {
                            sb.delete(0, sb.length() - MAX);
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        String text() {
            synchronized (sb) {
                return sb.toString();
            }
        }
    }

    /** A PostgreSQL tool failed or could not be started. */
    public static final class ProcessFailedException extends DrException {
        private static final long serialVersionUID = 1L;

        public ProcessFailedException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
