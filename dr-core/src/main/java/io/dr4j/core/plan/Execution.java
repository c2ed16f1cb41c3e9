package io.dr4j.core.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a plan. A coordinator thread owns the scheduling: it starts ready steps on the executor, receives
 * their completions through a queue, enforces deadlines, schedules retries, handles cancel and compensation.
 * State visible to other threads (results, timeline) is guarded by {@code this}.
 */
final class Execution implements PlanExecution {
    private static final Logger log = LoggerFactory.getLogger(Execution.class);
    private static final Object WAKE = new Object();

    private final PlanRunner runner;
    private final RecoveryPlan plan;
    private final String runId;
    private final Map<String, String> inputs;
    private final Instant incidentAt;
    private final Instant declaredAt;
    private final Instant startedAt;
    private final @Nullable Path stateFile;
    private final boolean resumed;
    private final ExecutorService executor;
    private final boolean ownExecutor;
    private final Notifications notifications;

    private final Map<String, StepResult> results = new LinkedHashMap<>();
    private final List<TimelineEvent> timeline = new ArrayList<>();
    private final Map<String, String> lastProgress = new HashMap<>();
    private PlanStatus status = PlanStatus.RUNNING;

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Map<String, Running> running = new HashMap<>();
    private volatile boolean cancelRequested;
    private volatile String cancelReason = "";
    private boolean stopping;
    private @Nullable String stoppedBy;
    private final CompletableFuture<PlanResult> done = new CompletableFuture<>();

    private static final class Running {
        final Step step;
        final Instant firstStart;
        final long deadlineNanos;
        int attempt;
        @Nullable Future<?> future;
        long retryAtNanos = -1;

        Running(Step step, Instant firstStart, long deadlineNanos) {
            this.step = step;
            this.firstStart = firstStart;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private record Completion(String stepId, int attempt, @Nullable StepOutput output, @Nullable Throwable error) {
    }

    Execution(PlanRunner runner, RecoveryPlan plan, String runId, Map<String, String> inputs, Instant incidentAt,
              Instant declaredAt, Instant startedAt, @Nullable Path stateFile, RunStateFile.@Nullable State previous) {
        this.runner = runner;
        this.plan = plan;
        this.runId = runId;
        this.inputs = Map.copyOf(inputs);
        this.incidentAt = incidentAt;
        this.declaredAt = declaredAt;
        this.startedAt = startedAt;
        this.stateFile = stateFile;
        this.resumed = previous != null;
        if (runner.executor != null) {
            this.executor = runner.executor;
            this.ownExecutor = false;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "dr4j-plan-" + plan.id() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.ownExecutor = true;
        }
        this.notifications = new Notifications(runner.notifiers, plan, runId);
        for (Step s : plan.steps()) {
            results.put(s.id(), StepResult.pending(s.id()));
        }
        if (previous != null) {
            timeline.addAll(previous.timeline());
            for (StepResult r : previous.steps()) {
                if (r.status() == StepStatus.SUCCEEDED) {
                    results.put(r.stepId(), r);
                }
            }
        } else {
            if (incidentAt.isBefore(declaredAt)) {
                timeline.add(new TimelineEvent(incidentAt, TimelineEvent.Type.INCIDENT, null, "Incident happened"));
            }
            timeline.add(new TimelineEvent(declaredAt, TimelineEvent.Type.DECLARED, null, "Incident declared"));
        }
    }

    void start() {
        Thread t = new Thread(this::coordinate, "dr4j-plan-" + runId);
        t.setDaemon(true);
        t.start();
    }

    // ---- PlanExecution

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public RecoveryPlan plan() {
        return plan;
    }

    @Override
    public synchronized RunSnapshot snapshot() {
        return new RunSnapshot(runId, plan, status, incidentAt, declaredAt, startedAt, runner.clock.instant(),
                new ArrayList<>(results.values()), lastProgress, timeline);
    }

    @Override
    public void cancel(String reason) {
        if (!done.isDone() && !cancelRequested) {
            cancelReason = reason == null ? "" : reason;
            cancelRequested = true;
            events.add(WAKE);
        }
    }

    @Override
    public boolean isDone() {
        return done.isDone();
    }

    @Override
    public PlanResult await() {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlanException("Interrupted while waiting for run " + runId + "; it goes on: cancel() it to stop it", e);
        } catch (ExecutionException e) {
            throw new PlanException("Run " + runId + " of plan " + plan.id() + " crashed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public Optional<PlanResult> await(Duration timeout) {
        try {
            return Optional.of(done.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new PlanException("Run " + runId + " of plan " + plan.id() + " crashed: " + e.getCause(), e.getCause());
        }
    }

    // ---- coordinator

    private void coordinate() {
        try {
            event(resumed ? TimelineEvent.Type.PLAN_RESUMED : TimelineEvent.Type.PLAN_STARTED, null, (resumed ? "Resumed" : "Started") + " plan '"
                    + plan.title() + "' (run " + runId + ")");
            persist();
            notifications.started(resumed);
            RunSnapshot snap = snapshot();
            listeners(l -> l.planStarted(snap, this));
            loop();
            PlanResult result = finish();
            done.complete(result);
        } catch (Throwable t) {
            log.error("Run {} of plan {} crashed", runId, plan.id(), t);
            done.completeExceptionally(t);
        } finally {
            notifications.close();
            if (ownExecutor) {
                executor.shutdownNow();
            }
        }
    }

    private void loop() throws InterruptedException {
        while (true) {
            if (cancelRequested && !stopping) {
                handleCancel();
            }
            if (!stopping) {
                startReady();
            }
            if (running.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            long wait = Long.MAX_VALUE;
            for (Running r : running.values()) {
                wait = Math.min(wait, r.deadlineNanos - now);
                if (r.retryAtNanos >= 0) {
                    wait = Math.min(wait, r.retryAtNanos - now);
                }
            }
            Object ev = events.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            if (ev instanceof Completion c) {
                handle(c);
            }
            checkDeadlinesAndRetries();
        }
    }

    private void startReady() {
        for (String id : plan.topologicalOrder()) {
            StepResult r = result(id);
            if (r.status() != StepStatus.PENDING || running.containsKey(id)) {
                continue;
            }
            Step step = plan.step(id).orElseThrow();
            boolean ready = step.dependsOn().stream().allMatch(d -> result(d).status() == StepStatus.SUCCEEDED);
            if (!ready) {
                continue;
            }
            Instant at = runner.clock.instant();
            Running run = new Running(step, at, System.nanoTime() + step.timeout().toNanos());
            running.put(id, run);
            setResult(new StepResult(id, StepStatus.RUNNING, at, null, 0, "running", null, null));
            event(TimelineEvent.Type.STEP_STARTED, id, "Started: " + step.title());
            RunSnapshot snap = snapshot();
            listeners(l -> l.stepStarted(snap, step));
            launch(run);
        }
    }

    private void launch(Running run) {
        run.attempt++;
        run.retryAtNanos = -1;
        int attempt = run.attempt;
        Step step = run.step;
        Context ctx = new Context(this, step, attempt);
        run.future = executor.submit(() -> {
            try {
                StepOutput out = step.action().execute(ctx);
                events.add(new Completion(step.id(), attempt, out == null ? StepOutput.of("done") : out, null));
            } catch (Throwable t) {
                events.add(new Completion(step.id(), attempt, null, t));
            }
        });
    }

    private void handle(Completion c) {
        Running run = running.get(c.stepId());
        if (run == null || run.attempt != c.attempt() || run.retryAtNanos >= 0) {
            return; // a late answer from an attempt that already timed out or was cancelled
        }
        Step step = run.step;
        Instant now = runner.clock.instant();
        if (c.error() == null) {
            StepOutput out = c.output();
            running.remove(step.id());
            finishStep(step, new StepResult(step.id(), StepStatus.SUCCEEDED, run.firstStart, now, run.attempt,
                    out.message(), out, null), TimelineEvent.Type.STEP_SUCCEEDED, "Succeeded: " + step.title() + " — "
                    + out.message());
            return;
        }
        Throwable e = c.error();
        String why = describe(e);
        if (e instanceof ApprovalRefusedException) {
            fail(run, StepStatus.REFUSED, TimelineEvent.Type.STEP_REFUSED, why, e);
        } else if (cancelRequested || e instanceof PlanCancelledException) {
            fail(run, StepStatus.CANCELLED, TimelineEvent.Type.STEP_CANCELLED, "cancelled: " + cancelReason, e);
        } else if (e instanceof StepFailedException sf && sf.isPermanent()) {
            fail(run, StepStatus.FAILED, TimelineEvent.Type.STEP_FAILED, why, e);
        } else if (run.attempt < step.retry().maxAttempts()) {
            Duration backoff = step.retry().backoffAfter(run.attempt);
            run.retryAtNanos = System.nanoTime() + backoff.toNanos();
            run.future = null;
            event(TimelineEvent.Type.STEP_RETRY, step.id(), "Attempt " + run.attempt + " of "
                    + step.retry().maxAttempts() + " failed (" + why + "); retrying in " + RecoveryPlan.human(backoff));
        } else {
            fail(run, StepStatus.FAILED, TimelineEvent.Type.STEP_FAILED, why
                    + (run.attempt > 1 ? " (after " + run.attempt + " attempts)" : ""), e);
        }
    }

    private void checkDeadlinesAndRetries() {
        long now = System.nanoTime();
        for (Running run : new ArrayList<>(running.values())) {
            if (now - run.deadlineNanos >= 0) {
                if (run.future != null) {
                    run.future.cancel(true);
                }
                fail(run, StepStatus.TIMED_OUT, TimelineEvent.Type.STEP_TIMED_OUT, "did not finish within its timeout of "
                        + RecoveryPlan.human(run.step.timeout()) + " (attempt " + run.attempt + "); interrupted", null);
            } else if (run.retryAtNanos >= 0 && now - run.retryAtNanos >= 0 && !stopping) {
                launch(run);
            } else if (run.retryAtNanos >= 0 && stopping) {
                fail(run, StepStatus.CANCELLED, TimelineEvent.Type.STEP_CANCELLED,
                        "not retried: the plan is stopping (" + (stoppedBy == null ? "" : stoppedBy) + ")", null);
            }
        }
    }

    private void handleCancel() {
        stopping = true;
        stoppedBy = "cancelled: " + cancelReason;
        event(TimelineEvent.Type.CANCEL_REQUESTED, null, "Cancel requested: " + cancelReason);
        for (Running run : new ArrayList<>(running.values())) {
            if (run.future != null) {
                run.future.cancel(true);
            }
            fail(run, StepStatus.CANCELLED, TimelineEvent.Type.STEP_CANCELLED, "cancelled: " + cancelReason, null);
        }
    }

    private void fail(Running run, StepStatus st, TimelineEvent.Type type, String why, @Nullable Throwable e) {
        running.remove(run.step.id());
        if (!stopping) {
            stopping = true;
            stoppedBy = "step '" + run.step.id() + "' " + st.name().toLowerCase(java.util.Locale.ROOT);
        }
        Instant now = runner.clock.instant();
        String error = e == null ? null : e.getClass().getName() + ": " + e.getMessage();
        if (e != null && !(e instanceof ApprovalRefusedException) && !(e instanceof PlanCancelledException)) {
            log.warn("Step {} of plan {} (run {}) {}: {}", run.step.id(), plan.id(), runId, st, why, e);
        }
        finishStep(run.step, new StepResult(run.step.id(), st, run.firstStart, now, run.attempt, why, null, error), type,
                st.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT) + ": " + run.step.title() + " — " + why);
    }

    private void finishStep(Step step, StepResult r, TimelineEvent.Type type, String message) {
        setResult(r);
        event(type, step.id(), capitalize(message));
        synchronized (this) {
            lastProgress.remove(step.id());
        }
        persist();
        notifications.step(step, r);
        RunSnapshot snap = snapshot();
        listeners(l -> l.stepFinished(snap, step, r));
    }

    private PlanResult finish() {
        boolean failed = false;
        for (StepResult r : snapshot().steps()) {
            if (r.status() == StepStatus.PENDING) {
                setResult(new StepResult(r.stepId(), StepStatus.SKIPPED, null, null, 0, "not run: "
                        + (stoppedBy == null ? "plan stopped" : stoppedBy), null, null));
                event(TimelineEvent.Type.STEP_SKIPPED, r.stepId(), "Skipped: " + plan.step(r.stepId()).orElseThrow().title());
            }
            failed |= r.status().isFailure();
        }
        PlanStatus end;
        if (cancelRequested) {
            end = PlanStatus.CANCELLED;
        } else if (failed) {
            end = runner.compensateOnFailure && Compensator.compensate(this, executor) ? PlanStatus.COMPENSATED
                    : PlanStatus.FAILED;
        } else {
            end = PlanStatus.SUCCEEDED;
        }
        Instant finishedAt = runner.clock.instant();
        synchronized (this) {
            status = end;
        }
        event(TimelineEvent.Type.PLAN_FINISHED, null, "Plan '" + plan.title() + "' " + end.name().toLowerCase(
                java.util.Locale.ROOT) + (stoppedBy == null ? "" : " (" + stoppedBy + ")"));
        List<StepResult> steps = snapshot().steps();
        ObjectiveEvaluator.Evaluation eval = ObjectiveEvaluator.evaluate(plan, runner.objectives, end, incidentAt,
                declaredAt, steps);
        PlanResult result = new PlanResult(runId, plan.id(), end, inputs, incidentAt, declaredAt, startedAt, finishedAt,
                eval.verifiedHealthyAt(), eval.recoveredTo(), steps, snapshot().timeline(), eval.verdicts());
        persist(finishedAt);
        notifications.finished(result);
        notifications.close();
        RunSnapshot snap = snapshot();
        listeners(l -> l.planFinished(snap, result));
        return result;
    }

    // ---- shared state

    synchronized StepResult result(String id) {
        return results.get(id);
    }

    synchronized void setResult(StepResult r) {
        results.put(r.stepId(), r);
    }

    synchronized Map<String, StepResult> results() {
        return new LinkedHashMap<>(results);
    }

    void event(TimelineEvent.Type type, @Nullable String stepId, String message) {
        synchronized (this) {
            timeline.add(new TimelineEvent(runner.clock.instant(), type, stepId, message));
        }
        log.info("[{}] {}", runId, message);
    }

    void progress(Step step, String message) {
        synchronized (this) {
            lastProgress.put(step.id(), message);
        }
        RunSnapshot snap = snapshot();
        listeners(l -> l.stepProgress(snap, step, message));
    }

    void approvalRequested(Step step, String question) {
        event(TimelineEvent.Type.APPROVAL_REQUESTED, step.id(), "Approval requested: " + question);
        notifications.approvalNeeded(step, question);
    }

    PlanRunner runner() {
        return runner;
    }

    Map<String, String> inputs() {
        return inputs;
    }

    Instant incidentAt() {
        return incidentAt;
    }

    Instant declaredAt() {
        return declaredAt;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void persist() {
        persist(null);
    }

    private void persist(@Nullable Instant finishedAt) {
        if (stateFile == null) {
            return;
        }
        RunSnapshot s = snapshot();
        RunStateFile.write(stateFile, new RunStateFile.State(RunStateFile.FORMAT_VERSION, runId, plan.id(), s.status(),
                inputs, incidentAt, declaredAt, startedAt, finishedAt, s.steps(), s.timeline()));
    }

    private void listeners(java.util.function.Consumer<PlanListener> call) {
        for (PlanListener l : runner.listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("Plan listener {} failed; ignored", l.getClass().getName(), e);
            }
        }
    }

    static String describe(Throwable e) {
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        String m = e.getMessage();
        if (e instanceof io.dr4j.core.DrException && m != null) {
            return m;
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
