package io.dr4j.tck.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Runs a {@code main} class in a child JVM (the test's class path) and {@code SIGKILL}s it at a chosen moment: the
 * crash tests of backups, expiry, logical backups and the WAL archiver share it.
 *
 * <p>Protocol: the child prints {@value #STARTED} on a line of its own once its work has begun (after JVM start-up and
 * set-up, so that delays are measured from there), and {@value #DONE} when the work is complete. A child that runs
 * until killed (a WAL archiver) never prints {@code DONE}.
 *
 * <pre>{@code
 * CrashHarness h = CrashHarness.of(MyChild.class).killDescendants(true);
 * long work = h.calibrate("backup", repo);               // runs to the end: how long the work takes
 * boolean killed = h.runAndKill(rnd.nextLong(work * 3 / 2), "backup", repo);
 * }</pre>
 */
public final class CrashHarness {
    /** The line a child prints when its work begins. */
    public static final String STARTED = "STARTED";
    /** The line a child prints when its work is complete. */
    public static final String DONE = "DONE";

    private final Class<?> main;
    private final List<String> jvmArgs = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx128m"));
    private boolean killDescendants;
    private long timeoutSeconds = 120;
    private @Nullable Path log;
    private long kills;
    private long completions;

    private CrashHarness(Class<?> main) {
        this.main = Objects.requireNonNull(main, "main");
    }

    /** A harness for children running {@code main} (a class with a {@code main} method on the test class path). */
    public static CrashHarness of(Class<?> main) {
        return new CrashHarness(main);
    }

    /** Also {@code SIGKILL}s the child's own child processes (e.g. {@code pg_dump}) after killing it. */
    public CrashHarness killDescendants(boolean on) {
        this.killDescendants = on;
        return this;
    }

    /** Extra JVM options of the child (system properties, heap). */
    public CrashHarness jvmArg(String arg) {
        jvmArgs.add(Objects.requireNonNull(arg));
        return this;
    }

    /** How long a child may take to start or to complete (default 120 s). */
    public CrashHarness timeoutSeconds(long s) {
        this.timeoutSeconds = s;
        return this;
    }

    /** Appends the children's standard error to this file (default: discarded). */
    public CrashHarness log(Path file) {
        this.log = file;
        return this;
    }

    /** Children killed while still running. */
    public long kills() {
        return kills;
    }

    /** Children that completed their work (printed {@code DONE}) before the kill. */
    public long completions() {
        return completions;
    }

    /** A started child, its work begun ({@code STARTED} read). */
    public final class Child implements AutoCloseable {
        private final Process process;
        private final long startedNanos;
        private final StringBuilder output = new StringBuilder();
        private final Thread drain;

        private Child(Process process, BufferedReader out) {
            this.process = process;
            this.startedNanos = System.nanoTime();
            // keeps reading the child's standard output (a long-running child would block on a full pipe otherwise)
            this.drain = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (output) {
                            output.append(line).append('\n');
                            if (output.length() > 64 * 1024) {
                                output.delete(0, output.length() - 32 * 1024);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "crash-harness-" + main.getSimpleName());
            drain.setDaemon(true);
            drain.start();
        }

        public Process process() {
            return process;
        }

        /** Milliseconds since the child printed {@code STARTED}. */
        public long elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }

        /** Waits for the child to end on its own; its exit code. */
        public int awaitExit() {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    kill();
                    throw new AssertionError(main.getSimpleName() + " did not finish within " + timeoutSeconds + " s");
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The child's standard output after {@code STARTED} (its last 32–64 KiB); complete once it has ended. */
        public String remainingOutput() {
            if (!process.isAlive()) {
                try {
                    drain.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (output) {
                return output.toString();
            }
        }

        /**
         * {@code SIGKILL}s the child (and, when configured, its descendants) unless it has ended already.
         *
         * @return true when it was killed; false when it had ended (then it must have printed {@code DONE})
         */
        public boolean kill() {
            if (!process.isAlive()) {
                int code = process.exitValue();
                String rest = remainingOutput();
                if (code != 0 || !rest.contains(DONE)) {
                    throw new AssertionError(main.getSimpleName() + " ended with exit code " + code
                            + " before the kill, without " + DONE + ": " + rest);
                }
                completions++;
                return false;
            }
            List<ProcessHandle> descendants = killDescendants ? process.descendants().toList() : List.of();
            process.destroyForcibly(); // SIGKILL on Linux
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new AssertionError(main.getSimpleName() + " survived SIGKILL for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            descendants.forEach(ProcessHandle::destroyForcibly);
            kills++;
            return true;
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** Starts a child and returns once it printed {@code STARTED}. */
    public Child start(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        // without a log file the child's errors join its output, which is drained and quoted when the child fails
        ProcessBuilder pb = log == null ? new ProcessBuilder(cmd).redirectErrorStream(true)
                : new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a child JVM for " + main.getName(), e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = out.readLine()) != null && !line.equals(STARTED)) {
                // start-up output
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new UncheckedIOException(e);
        }
        if (line == null) {
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = -1;
            }
            throw new AssertionError(main.getSimpleName() + " ended (exit " + code + ") before printing " + STARTED
                    + (log == null ? "" : "; see " + log));
        }
        return new Child(p, out);
    }

    /** Runs a child to completion (exit code 0 required); how long its work took, in ms after {@code STARTED}. */
    public long calibrate(String... args) {
        try (Child c = start(args)) {
            int code = c.awaitExit();
            long ms = c.elapsedMs();
            if (code != 0) {
                throw new AssertionError(main.getSimpleName() + " failed with exit code " + code
                        + (log == null ? ": " + c.remainingOutput() : "; see " + log));
            }
            return ms;
        }
    }

    /**
     * Starts a child, lets it work for {@code delayMs} after {@code STARTED}, then {@code SIGKILL}s it.
     *
     * @return true when it was killed while running; false when it had completed before (checked: {@code DONE})
     */
    public boolean runAndKill(long delayMs, String... args) {
        try (Child c = start(args)) {
            sleep(delayMs);
            return c.kill();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
