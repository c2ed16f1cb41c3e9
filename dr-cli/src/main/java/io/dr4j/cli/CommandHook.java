package io.dr4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.StepOutput;

/**
 * A configured command run by a plan step (provisioning, deployment, traffic switch, isolation, credential rotation):
 * {@code /bin/sh -c COMMAND} with the step's context in {@code DR4J_*} environment variables (never in arguments),
 * stdin closed, each output line streamed to the step's progress, bounded by {@code dr.plan.hook-timeout}. A
 * non-zero exit or a timeout fails the step with a message naming the configuration key and the last lines the
 * command wrote to stderr.
 */
final class CommandHook implements StepAction {
    /** Lines of stdout and of stderr kept for the report and the error message. */
    static final int TAIL_LINES = 10;

    final String key;
    final String command;
    private final String what;
    private final Duration timeout;
    private final Function<StepContext, Map<String, String>> environment;

    private CommandHook(String key, String command, String what, Duration timeout,
                        Function<StepContext, Map<String, String>> environment) {
        this.key = key;
        this.command = command;
        this.what = what;
        this.timeout = timeout;
        this.environment = environment;
    }

    /** The hook of {@code key} when configured (non-blank). */
    static Optional<CommandHook> of(ProviderConfig config, String key, String what,
                                    Function<StepContext, Map<String, String>> environment) {
        return config.get(key).map(String::trim).filter(s -> !s.isEmpty()).map(c -> new CommandHook(key, c, what,
                timeout(config), environment));
    }

    static Duration timeout(ProviderConfig config) {
        try {
            return config.getDuration("dr.plan.hook-timeout", Duration.ofMinutes(10));
        } catch (RuntimeException e) {
            throw new io.dr4j.core.ConfigurationException("dr.plan.hook-timeout is not a duration (e.g. 90s, 10m): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The step that stands in for a hook that is not configured: it succeeds, and says plainly that {@code what} was
     * NOT done and why, so the report never claims it happened.
     */
    static StepAction notConfigured(String key, String what) {
        return ctx -> StepOutput.of("SKIPPED, not done: " + what + " - " + key + " is not configured. Do it by hand",
                Map.of("skipped", "true", "reason", key + " is not configured"));
    }

    /** The drill's stand-in: the hook is not run against production. */
    static StepAction simulated(String key, String what, boolean configured) {
        return ctx -> StepOutput.of("SIMULATED in the drill, not done: " + what + (configured ? " (" + key
                + " is configured but a drill never runs it)" : " (" + key + " is not configured)"),
                Map.of("skipped", "true", "reason", "drill"));
    }

    /** Describes the hook for the dry run and the report facts. */
    static String describe(Optional<CommandHook> h, String key) {
        return h.map(x -> "'" + x.command + "' (" + key + ")").orElse("not configured (" + key + "): the step "
                + "reports it was skipped");
    }

    @Override
    public StepOutput execute(StepContext ctx) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DR4J_STEP", ctx.step().id());
        env.put("DR4J_RUN_ID", ctx.runId());
        env.put("DR4J_INCIDENT_AT", ctx.incidentAt().toString());
        ctx.inputs().forEach((k, v) -> env.put("DR4J_INPUT_" + k.replaceAll("([a-z])([A-Z])", "$1_$2")
                .replace('-', '_').toUpperCase(Locale.ROOT), v));
        env.putAll(environment.apply(ctx));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        pb.environment().putAll(env);
        ctx.progress("running " + key + " (" + what + ")");
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw StepFailedException.permanent(key + ": cannot start '" + command + "': " + e.getMessage()
                    + ". Check the command");
        }
        p.getOutputStream().close();
        Deque<String> out = new ArrayDeque<>();
        Deque<String> err = new ArrayDeque<>();
        Thread to = pump(p.getInputStream(), out, line -> ctx.progress(key + ": " + line));
        Thread te = pump(p.getErrorStream(), err, line -> ctx.progress(key + " (stderr): " + line));
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        if (!done) {
            kill(p);
        }
        to.join(5_000);
        te.join(5_000);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (!done) {
            throw StepFailedException.permanent(key + " ('" + command + "') did not finish within "
                    + io.dr4j.core.plan.RecoveryPlan.human(timeout) + " (dr.plan.hook-timeout) and was stopped" + tail(err));
        }
        int code = p.exitValue();
        if (code != 0) {
            throw StepFailedException.permanent(key + " ('" + command + "') failed with exit code " + code + tail(err)
                    + ". Fix the command or its environment, then resume the run");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("command", command);
        values.put("key", key);
        values.put("exitCode", "0");
        values.put("seconds", String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0));
        synchronized (out) {
            if (!out.isEmpty()) {
                values.put("output", String.join("\n", out));
            }
        }
        String last;
        synchronized (out) {
            last = out.isEmpty() ? "" : ": " + out.peekLast();
        }
        return StepOutput.of(what + " done by " + key + " in " + StepProgress.seconds(took) + last, values);
    }

    private static String tail(Deque<String> err) {
        synchronized (err) {
            return err.isEmpty() ? " (no stderr output)" : "; its last stderr lines: " + String.join(" | ", List.copyOf(err));
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Thread pump(InputStream in, Deque<String> tail, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String l = line.length() > 500 ? line.substring(0, 500) + "..." : line;
                    synchronized (tail) {
                        tail.addLast(l);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    sink.accept(l);
                }
            } catch (IOException e) {
                // the process was killed: what was read is kept
            }
        }, "dr4j-hook-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
