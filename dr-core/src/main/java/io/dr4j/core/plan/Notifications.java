package io.dr4j.core.plan;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a run's alerts: one incident (dedup key {@code dr4j-plan:<run>}) opened at start and resolved on success.
 * Alerts go out in order on a thread of their own, so a slow channel never delays the plan's scheduling or timeouts;
 * {@link #close()} waits (bounded) until the last one was handed over.
 */
final class Notifications {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    static final String SOURCE = "dr4j-plan";

    private final List<Notifier> notifiers;
    private final RecoveryPlan plan;
    private final String runId;
    private final String dedupKey;
    private final @Nullable ExecutorService sender;

    Notifications(List<Notifier> notifiers, RecoveryPlan plan, String runId) {
        this.notifiers = notifiers;
        this.plan = plan;
        this.runId = runId;
        this.dedupKey = SOURCE + ":" + runId;
        this.sender = notifiers.isEmpty() ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dr4j-notify-" + runId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits up to a minute for queued alerts, then stops the sender. */
    void close() {
        if (sender == null) {
            return;
        }
        sender.shutdown();
        try {
            if (!sender.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("Alerts of run {} still not delivered after a minute; giving up on them", runId);
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
    }

    void started(boolean resumed) {
        send(Severity.WARNING, "Recovery " + (resumed ? "resumed" : "started") + ": " + plan.title(),
                "Run " + runId + " of plan '" + plan.id() + "' " + (resumed ? "resumed" : "started") + " ("
                        + plan.steps().size() + " steps).", false, Map.of());
    }

    void step(Step step, StepResult r) {
        Severity sev = r.status() == StepStatus.SUCCEEDED ? Severity.INFO : Severity.ERROR;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("step", step.id());
        f.put("status", r.status().name());
        f.put("attempts", Integer.toString(r.attempts()));
        f.put("duration", RecoveryPlan.human(r.duration()));
        send(sev, plan.title() + ": " + step.title() + " " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' '), r.message(), false, f);
    }

    void approvalNeeded(Step step, String question) {
        send(Severity.WARNING, plan.title() + ": approval needed for " + step.title(), question, false,
                Map.of("step", step.id()));
    }

    void finished(PlanResult result) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", result.status().name());
        f.put("duration", RecoveryPlan.human(result.duration()));
        for (ObjectiveVerdict v : result.verdicts()) {
            f.put(v.kind() + " " + v.component().label(), v.verdict() + (v.achieved() == null ? ""
                    : " (" + RecoveryPlan.human(v.achieved()) + ")"));
        }
        String msg = "Run " + runId + " of plan '" + plan.id() + "' ended " + result.status() + " after "
                + RecoveryPlan.human(result.duration()) + "."
                + result.firstFailure().map(s -> " First failure: step '" + s.stepId() + "': " + s.message()).orElse("");
        if (result.succeeded()) {
            send(Severity.INFO, "Recovery finished: " + plan.title(), msg, true, f);
        } else {
            send(Severity.CRITICAL, "Recovery " + result.status().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + plan.title(), msg, false, f);
        }
    }

    private void send(Severity sev, String title, String message, boolean resolved, Map<String, String> fields) {
        if (sender == null) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put("runId", runId);
        f.put("plan", plan.id());
        Alert alert = new Alert(sev, title, message, SOURCE, dedupKey, resolved, f, Instant.now());
        sender.execute(() -> {
            for (Notifier n : notifiers) {
                try {
                    n.notify(alert);
                } catch (RuntimeException e) {
                    log.warn("Notifier {} could not deliver '{}' of run {}: {}", n.name(), title, runId, e.toString());
                }
            }
        });
    }
}
