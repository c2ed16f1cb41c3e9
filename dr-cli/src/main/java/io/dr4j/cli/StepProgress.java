package io.dr4j.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.dr4j.core.plan.PlanExecution;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.RunSnapshot;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepResult;

/** One line per step event of a plan run, on standard error (standard output stays for {@code --json}). */
final class StepProgress implements io.dr4j.core.plan.PlanListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final PrintWriter out;

    StepProgress(PrintWriter out) {
        this.out = out;
    }

    private synchronized void line(String s) {
        out.println(TIME.format(java.time.Instant.now()) + " " + s);
        out.flush();
    }

    @Override
    public void planStarted(RunSnapshot run, PlanExecution execution) {
        line("plan " + run.plan().id() + " started (run " + run.runId() + ")");
    }

    @Override
    public void stepStarted(RunSnapshot run, Step step) {
        line("  " + step.id() + ": started - " + step.title());
    }

    @Override
    public void stepProgress(RunSnapshot run, Step step, String message) {
        line("  " + step.id() + ": " + message);
    }

    @Override
    public void stepFinished(RunSnapshot run, Step step, StepResult result) {
        line("  " + step.id() + ": " + result.status() + " in " + seconds(result.duration())
                + (result.attempts() > 1 ? " after " + result.attempts() + " attempts" : "") + " - " + result.message());
    }

    @Override
    public void planFinished(RunSnapshot run, PlanResult result) {
        line("plan " + result.planId() + " " + result.status() + " in " + seconds(result.duration()));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
