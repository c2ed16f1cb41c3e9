package io.dr4j.postgres.logical;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.dr4j.postgres.internal.Processes.ProcessFailedException;

import org.jspecify.annotations.Nullable;

/**
 * A running client tool whose stdin/stdout stream data and whose stderr is kept (last 32 KiB) for the error message.
 * Secrets travel in the environment only.
 */
final class ToolProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final StringBuilder stderr = new StringBuilder();
    private final Thread errReader;

    private ToolProcess(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.errReader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = process.getErrorStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (stderr) {
                        stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (stderr.length() > 32 * 1024) {
                            stderr.delete(0, stderr.length() - 32 * 1024);
                        }
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
        }, "dr4j-" + Path.of(command.get(0)).getFileName() + "-stderr");
        errReader.setDaemon(true);
        errReader.start();
    }

    static ToolProcess start(List<String> command, Map<String, String> env, @Nullable Path stdoutFile) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (stdoutFile != null) {
            pb.redirectOutput(stdoutFile.toFile());
        }
        try {
            return new ToolProcess(command, pb.start());
        } catch (IOException e) {
            throw new ProcessFailedException("Could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    Process process() {
        return process;
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString().strip();
        }
    }

    /** Waits for the exit and throws with stderr when it is not 0. */
    void waitOk(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ProcessFailedException(name() + " did not finish within " + timeout, null);
            }
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ProcessFailedException(name() + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new ProcessFailedException(name() + " failed (exit code " + process.exitValue() + "): " + stderr(), null);
        }
    }

    String name() {
        return Path.of(command.get(0)).getFileName().toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
