package io.dr4j.core.plan;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Severity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanEngineTest {

    private static Step.Builder ok(String id, String... deps) {
        return Step.builder(id).dependsOn(deps).timeout(Duration.ofSeconds(5)).action(ctx -> StepOutput.of(id + " done"));
    }

    private static PlanRunner runner() {
        return PlanRunner.builder().build();
    }

    @Test
    void independentBranchesRunAtTheSameTime() {
        CyclicBarrier both = new CyclicBarrier(2);
        Map<String, long[]> spans = new ConcurrentHashMap<>();
        StepAction meet = ctx -> {
            long t0 = System.nanoTime();
            both.await(3, TimeUnit.SECONDS); // times out (fails the step) unless the other branch runs concurrently
            Thread.sleep(50);
            spans.put(ctx.step().id(), new long[] {t0, System.nanoTime()});
            return StepOutput.of("met");
        };
        RecoveryPlan plan = RecoveryPlan.builder("parallel")
                .step(ok("a"))
                .step(Step.builder("b").dependsOn("a").timeout(Duration.ofSeconds(5)).action(meet))
                .step(Step.builder("c").dependsOn("a").timeout(Duration.ofSeconds(5)).action(meet))
                .step(ok("d", "b", "c"))
                .build();

        PlanResult result = runner().run(plan, RunRequest.defaults());

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        long[] b = spans.get("b");
        long[] c = spans.get("c");
        assertThat(b[0]).as("b started before c ended").isLessThan(c[1]);
        assertThat(c[0]).as("c started before b ended").isLessThan(b[1]);
        StepResult d = result.stepResult("d");
        assertThat(d.startedAt()).isAfterOrEqualTo(result.stepResult("b").finishedAt())
                .isAfterOrEqualTo(result.stepResult("c").finishedAt());
    }

    @Test
    void failedAttemptsAreRetriedWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        RecoveryPlan plan = RecoveryPlan.builder("retry")
                .step(Step.builder("flaky").timeout(Duration.ofSeconds(5))
                        .retry(new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1)))
                        .action(ctx -> {
                            if (calls.incrementAndGet() < 3) {
                                throw new IllegalStateException("connection refused (attempt " + ctx.attempt() + ")");
                            }
                            return StepOutput.of("worked on attempt " + ctx.attempt());
                        }))
                .build();
        long t0 = System.nanoTime();
        PlanResult result = runner().run(plan, RunRequest.defaults());
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.stepResult("flaky").attempts()).isEqualTo(3);
        assertThat(result.stepResult("flaky").message()).isEqualTo("worked on attempt 3");
        assertThat(ms).as("waited 100 ms + 200 ms between attempts").isGreaterThanOrEqualTo(300);
        assertThat(result.timeline()).filteredOn(e -> e.type() == TimelineEvent.Type.STEP_RETRY).hasSize(2)
                .first().extracting(TimelineEvent::message).asString().contains("connection refused (attempt 1)");
    }

    @Test
    void retriesStopWhenExhaustedAndThePlanStops() {
        RecoveryPlan plan = RecoveryPlan.builder("exhausted")
                .step(Step.builder("broken").timeout(Duration.ofSeconds(5))
                        .retry(new RetryPolicy(2, Duration.ofMillis(10), 1, Duration.ofMillis(10)))
                        .action(ctx -> { throw new IllegalStateException("disk full"); }))
                .step(ok("after", "broken"))
                .build();
        PlanResult result = runner().run(plan, RunRequest.defaults());
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.stepResult("broken").status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.stepResult("broken").attempts()).isEqualTo(2);
        assertThat(result.stepResult("broken").message()).contains("disk full").contains("after 2 attempts");
        assertThat(result.stepResult("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.stepResult("after").message()).contains("step 'broken' failed");
    }

    @Test
    void aStepThatOverrunsItsTimeoutIsInterruptedAndReportedAsTimedOut() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        RecoveryPlan plan = RecoveryPlan.builder("timeout")
                .step(Step.builder("slow").timeout(Duration.ofMillis(300))
                        .retry(new RetryPolicy(5, Duration.ofMillis(10), 1, Duration.ofMillis(10)))
                        .action(ctx -> {
                            try {
                                Thread.sleep(30_000);
                            } catch (InterruptedException e) {
                                interrupted.countDown();
                                throw e;
                            }
                            return StepOutput.of("never");
                        }))
                .step(ok("next", "slow"))
                .build();
        long t0 = System.nanoTime();
        PlanResult result = runner().run(plan, RunRequest.defaults());
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        StepResult slow = result.stepResult("slow");
        assertThat(slow.status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(slow.attempts()).as("a timeout is not retried").isEqualTo(1);
        assertThat(slow.message()).contains("timeout of 300 ms");
        assertThat(result.stepResult("next").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(ms).isLessThan(5_000);
        assertThat(interrupted.await(2, TimeUnit.SECONDS)).as("the step's thread was interrupted").isTrue();
        assertThat(result.timeline()).extracting(TimelineEvent::type).contains(TimelineEvent.Type.STEP_TIMED_OUT);
    }

    @Test
    void aFailedRunResumesFromItsStateFileWithoutRepeatingFinishedSteps(@TempDir Path dir) {
        Path state = dir.resolve("run.json");
        AtomicInteger aRuns = new AtomicInteger();
        AtomicBoolean broken = new AtomicBoolean(true);
        List<String> seenByB = new CopyOnWriteArrayList<>();
        RecoveryPlan plan = RecoveryPlan.builder("resumable")
                .input("service", "the service to recover")
                .step(Step.builder("a").action(ctx -> {
                    aRuns.incrementAndGet();
                    return StepOutput.of("picked backup", Map.of("backupId", "20261126T020000Z-full"));
                }))
                .step(Step.builder("b").dependsOn("a").action(ctx -> {
                    seenByB.add(ctx.output("a", "backupId") + "/" + ctx.input("service"));
                    if (broken.get()) {
                        throw new IllegalStateException("restore target unreachable");
                    }
                    return StepOutput.of("restored");
                }))
                .step(ok("c", "b"))
                .build();
        PlanRunner runner = runner();
        PlanResult first = runner.run(plan, RunRequest.withInputs(Map.of("service", "api")).stateFile(state)
                .declaredAt(Instant.parse("2026-11-26T01:00:00Z")));
        assertThat(first.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(state).exists();

        broken.set(false);
        PlanResult second = runner.resume(plan, state);

        assertThat(second.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(second.runId()).isEqualTo(first.runId());
        assertThat(second.declaredAt()).isEqualTo(Instant.parse("2026-11-26T01:00:00Z"));
        assertThat(aRuns.get()).as("the finished step is not run again").isEqualTo(1);
        assertThat(seenByB).containsExactly("20261126T020000Z-full/api", "20261126T020000Z-full/api");
        assertThat(second.stepResult("c").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(second.timeline()).extracting(TimelineEvent::type)
                .containsSubsequence(TimelineEvent.Type.PLAN_STARTED, TimelineEvent.Type.STEP_FAILED,
                        TimelineEvent.Type.PLAN_FINISHED, TimelineEvent.Type.PLAN_RESUMED,
                        TimelineEvent.Type.STEP_SUCCEEDED, TimelineEvent.Type.PLAN_FINISHED);
    }

    @Test
    void aRunCutOffMidwayResumesFromTheStateWrittenSoFar(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("run.json");
        AtomicInteger aRuns = new AtomicInteger();
        CountDownLatch bStarted = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(true);
        RecoveryPlan plan = RecoveryPlan.builder("crash")
                .step(Step.builder("a").action(ctx -> {
                    aRuns.incrementAndGet();
                    return StepOutput.of("a", Map.of("k", "v"));
                }))
                .step(Step.builder("b").dependsOn("a").action(ctx -> {
                    bStarted.countDown();
                    while (hang.get()) {
                        Thread.sleep(20);
                    }
                    return StepOutput.of("b saw " + ctx.output("a", "k"));
                }))
                .build();
        PlanExecution first = runner().start(plan, RunRequest.defaults().stateFile(state));
        assertThat(bStarted.await(5, TimeUnit.SECONDS)).isTrue();
        Path copy = dir.resolve("as-left-by-a-crash.json");
        Files.copy(state, copy); // what a process killed now leaves behind
        first.cancel("simulated crash");
        first.await();
        hang.set(false);

        PlanResult resumed = runner().resume(plan, copy);
        assertThat(resumed.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(aRuns.get()).isEqualTo(1);
        assertThat(resumed.stepResult("b").message()).isEqualTo("b saw v");
        assertThat(resumed.runId()).isEqualTo(first.runId());
    }

    @Test
    void resumeRefusesTheStateOfAnotherPlan(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("run.json");
        runner().run(RecoveryPlan.builder("one").step(ok("a")).build(), RunRequest.defaults().stateFile(state));
        RecoveryPlan other = RecoveryPlan.builder("two").step(ok("a")).build();
        assertThatThrownBy(() -> runner().resume(other, state)).isInstanceOf(PlanException.class)
                .hasMessageContaining("belongs to plan 'one'");
        assertThatThrownBy(() -> runner().resume(other, dir.resolve("missing.json"))).isInstanceOf(PlanException.class)
                .hasMessageContaining("No run state");
        Files.writeString(state, "{not json");
        assertThatThrownBy(() -> runner().resume(other, state)).isInstanceOf(PlanException.class)
                .hasMessageContaining("unreadable");
    }

    @Test
    void aRefusedApprovalStopsThePlan() {
        AtomicBoolean ranAfter = new AtomicBoolean();
        RecoveryPlan plan = RecoveryPlan.builder("approval")
                .step(ok("prepare"))
                .step(Steps.approval("go", "Go ahead", "Switch traffic to the DR site?").dependsOn("prepare"))
                .step(Step.builder("switch").dependsOn("go").action(ctx -> {
                    ranAfter.set(true);
                    return StepOutput.of("switched");
                }))
                .build();

        PlanResult refused = PlanRunner.builder().approver(Approvers.refuseAll()).build().run(plan, RunRequest.defaults());
        assertThat(refused.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(refused.stepResult("go").status()).isEqualTo(StepStatus.REFUSED);
        assertThat(refused.stepResult("go").message()).contains("non-interactive");
        assertThat(refused.stepResult("switch").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(ranAfter).isFalse();

        PlanResult approved = PlanRunner.builder().approver(Approvers.autoApprove("drill")).build()
                .run(plan, RunRequest.defaults());
        assertThat(approved.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(approved.stepResult("go").output().values()).containsEntry("approvedBy", "policy:drill");
        assertThat(approved.timeline()).extracting(TimelineEvent::type)
                .containsSubsequence(TimelineEvent.Type.APPROVAL_REQUESTED, TimelineEvent.Type.APPROVED);
    }

    @Test
    void theConsoleApproverReadsTheAnswer() throws Exception {
        var out = new java.io.StringWriter();
        Approver console = Approvers.console(new java.io.BufferedReader(new java.io.StringReader("maybe\nno\nlogs not reviewed\n")),
                new java.io.PrintWriter(out), "alice");
        ApprovalDecision d = console.decide(new ApprovalRequest("r", "p", "s", "Return to service?", Map.of("k", "v")));
        assertThat(d.approved()).isFalse();
        assertThat(d.by()).isEqualTo("alice");
        assertThat(d.reason()).isEqualTo("logs not reviewed");
        assertThat(out.toString()).contains("Return to service?").contains("k: v");
    }

    @Test
    void cyclesAndUnknownDependenciesAreRefusedNamingTheSteps() {
        assertThatThrownBy(() -> RecoveryPlan.builder("cyclic")
                .step(ok("a", "c")).step(ok("b", "a")).step(ok("c", "b")).step(ok("d")).build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("a -> b -> c -> a");
        assertThatThrownBy(() -> RecoveryPlan.builder("dangling").step(ok("a")).step(ok("b", "a", "restore-db")).build())
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("step 'b' depends on 'restore-db', which is not a step of this plan");
        assertThatThrownBy(() -> RecoveryPlan.builder("dup").step(ok("a")).step(ok("a")).build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("'a' is used twice");
        assertThatThrownBy(() -> Step.builder("Bad Id").action(ctx -> StepOutput.of("x")).build())
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("Invalid step id 'Bad Id'");
    }

    @Test
    void aMissingRequiredInputIsRefusedBeforeAnythingRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        RecoveryPlan plan = RecoveryPlan.builder("inputs").input("service", "the Compose service to restart")
                .input("window", "how long to monitor", "PT5M")
                .step(Step.builder("a").action(ctx -> {
                    ran.set(true);
                    return StepOutput.of(ctx.input("window"));
                })).build();
        assertThatThrownBy(() -> runner().start(plan, RunRequest.defaults()))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("needs input 'service': the Compose service to restart");
        assertThat(ran).isFalse();
        PlanResult r = runner().run(plan, RunRequest.withInputs(Map.of("service", "api")));
        assertThat(r.stepResult("a").message()).isEqualTo("PT5M");
    }

    @Test
    void completedStepsAreCompensatedInReverseOrderWhenALaterStepFails() {
        List<String> undone = new CopyOnWriteArrayList<>();
        RecoveryPlan plan = RecoveryPlan.builder("compensate")
                .step(Step.builder("provision").action(ctx -> StepOutput.of("made", Map.of("server", "srv-1")))
                        .compensation("destroy the new server", (ctx, out) -> undone.add("provision:" + out.values().get("server"))))
                .step(Step.builder("switch").dependsOn("provision").action(ctx -> StepOutput.of("switched"))
                        .compensation("switch traffic back", (ctx, out) -> undone.add("switch")))
                .step(Step.builder("verify").dependsOn("switch").action(ctx -> {
                    throw StepFailedException.permanent("site answers 503");
                }))
                .build();
        PlanResult r = runner().run(plan, RunRequest.defaults());
        assertThat(r.status()).isEqualTo(PlanStatus.COMPENSATED);
        assertThat(undone).containsExactly("switch", "provision:srv-1");
        assertThat(r.stepResult("switch").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(r.stepResult("verify").status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.stepResult("verify").message()).isEqualTo("site answers 503");

        PlanResult kept = PlanRunner.builder().compensateOnFailure(false).build().run(plan, RunRequest.defaults());
        assertThat(kept.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(kept.stepResult("switch").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void aTimeoutCompensatesTheStepsDoneBeforeIt() {
        List<String> undone = new CopyOnWriteArrayList<>();
        RecoveryPlan plan = RecoveryPlan.builder("timeout-compensate")
                .step(Step.builder("switch").action(ctx -> StepOutput.of("switched"))
                        .compensation("switch back", (ctx, out) -> undone.add("switch")))
                .step(Step.builder("hang").dependsOn("switch").timeout(Duration.ofMillis(200)).action(ctx -> {
                    Thread.sleep(30_000);
                    return StepOutput.of("never");
                }))
                .build();
        PlanResult r = runner().run(plan, RunRequest.defaults());
        assertThat(r.status()).isEqualTo(PlanStatus.COMPENSATED);
        assertThat(r.stepResult("hang").status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(r.stepResult("switch").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(undone).containsExactly("switch");
    }

    @Test
    void aVerificationWithoutChecksFailsInsteadOfPassing() {
        RecoveryPlan plan = RecoveryPlan.builder("empty-verify").step(Steps.verify("verify", "Verify", List.of())).build();
        PlanResult r = runner().run(plan, RunRequest.defaults());
        assertThat(r.stepResult("verify").status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.stepResult("verify").message()).contains("No health checks configured");
    }

    @Test
    void theSnapshotGivesAStatusLineForStatusUpdates() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecoveryPlan plan = RecoveryPlan.builder("status").title("Database corruption").step(ok("a"))
                .step(Step.builder("restore").title("Restore the database").dependsOn("a").action(ctx -> {
                    ctx.progress("restoring backup b1");
                    inside.countDown();
                    release.await(5, TimeUnit.SECONDS);
                    return StepOutput.of("ok");
                })).build();
        PlanExecution ex = runner().start(plan, RunRequest.defaults());
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ex.snapshot().statusLine()).startsWith("Database corruption: 1 of 2 steps done; running: "
                + "Restore the database (restoring backup b1); ").endsWith("since the incident was declared");
        release.countDown();
        ex.await();
        assertThat(ex.snapshot().statusLine()).startsWith("Database corruption: succeeded, 2 of 2 steps done;");
    }

    @Test
    void aFailingCompensationIsReported() {
        RecoveryPlan plan = RecoveryPlan.builder("badcomp")
                .step(Step.builder("a").action(ctx -> StepOutput.of("ok"))
                        .compensation("undo a", (ctx, out) -> { throw new IllegalStateException("dns api down"); }))
                .step(Step.builder("b").dependsOn("a").action(ctx -> { throw StepFailedException.permanent("no"); }))
                .build();
        PlanResult r = runner().run(plan, RunRequest.defaults());
        assertThat(r.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(r.stepResult("a").status()).isEqualTo(StepStatus.COMPENSATION_FAILED);
        assertThat(r.stepResult("a").message()).contains("dns api down");
    }

    @Test
    void cancelInterruptsRunningStepsAndSkipsTheRest() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        RecoveryPlan plan = RecoveryPlan.builder("cancel")
                .step(Step.builder("long").timeout(Duration.ofMinutes(1)).action(ctx -> {
                    started.countDown();
                    Thread.sleep(60_000);
                    return StepOutput.of("never");
                }))
                .step(ok("after", "long"))
                .build();
        PlanExecution ex = runner().start(plan, RunRequest.defaults());
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ex.snapshot().step("long").orElseThrow().status()).isEqualTo(StepStatus.RUNNING);
        ex.cancel("drill aborted by the incident commander");
        PlanResult r = ex.await(Duration.ofSeconds(5)).orElseThrow();
        assertThat(r.status()).isEqualTo(PlanStatus.CANCELLED);
        assertThat(r.stepResult("long").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(r.stepResult("long").message()).contains("drill aborted");
        assertThat(r.stepResult("after").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void notifiersHearTheStartEveryStepAndTheEnd() {
        RecordingNotifier n = new RecordingNotifier();
        RecoveryPlan plan = RecoveryPlan.builder("notified").title("Notified plan").step(ok("a")).step(ok("b", "a")).build();
        PlanResult r = PlanRunner.builder().notifier(n).notifier(new io.dr4j.core.alert.Notifier() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void notify(Alert alert) {
                throw new io.dr4j.core.alert.NotificationException("channel down", null);
            }
        }).build().run(plan, RunRequest.defaults());
        assertThat(r.succeeded()).as("a broken channel does not stop the plan").isTrue();
        assertThat(n.alerts).extracting(Alert::title).containsExactly("Recovery started: Notified plan",
                "Notified plan: a succeeded", "Notified plan: b succeeded", "Recovery finished: Notified plan");
        assertThat(n.alerts).extracting(Alert::dedupKey).containsOnly("dr4j-plan:" + r.runId());
        assertThat(n.alerts.get(3).resolved()).isTrue();
        assertThat(n.alerts.get(0).severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void listenersSeeTheRunIdPlanAndState() {
        List<String> seen = new CopyOnWriteArrayList<>();
        PlanListener l = new PlanListener() {
            @Override
            public void planStarted(RunSnapshot run, PlanExecution execution) {
                seen.add("start " + run.runId().equals(execution.runId()) + " " + run.plan().id() + " " + run.status());
            }

            @Override
            public void stepStarted(RunSnapshot run, Step step) {
                seen.add("step " + step.id() + " " + run.step(step.id()).orElseThrow().status());
            }

            @Override
            public void stepProgress(RunSnapshot run, Step step, String message) {
                seen.add("progress " + step.id() + " " + run.lastProgress().get(step.id()));
            }

            @Override
            public void stepFinished(RunSnapshot run, Step step, StepResult result) {
                seen.add("done " + step.id() + " " + result.status() + " " + run.stepsDone() + "/" + run.steps().size());
            }

            @Override
            public void planFinished(RunSnapshot run, PlanResult result) {
                seen.add("end " + result.status() + " " + run.runId().equals(result.runId()));
            }
        };
        RecoveryPlan plan = RecoveryPlan.builder("listened")
                .step(Step.builder("a").action(ctx -> {
                    ctx.progress("copied 3 of 7 files");
                    ctx.progressListener().onProgress(new io.dr4j.core.Progress("restore", "copy", 500, 1000, 1, 2,
                            Duration.ofSeconds(1)));
                    ctx.progressListener().onProgress(new io.dr4j.core.Progress("restore", "copy", 600, 1000, 1, 2,
                            Duration.ofSeconds(1))); // throttled: within a second of the previous one
                    return StepOutput.of("ok");
                })).build();
        PlanRunner.builder().listener(l).build().run(plan, RunRequest.defaults());
        assertThat(seen).containsExactly("start true listened RUNNING", "step a RUNNING",
                "progress a copied 3 of 7 files", "progress a restore copy 1/2 items, 500/1000 bytes, ETA 1 s",
                "done a SUCCEEDED 1/1", "end SUCCEEDED true");
    }

    @Test
    void achievedRtoAndRpoAreComparedWithTheObjectives() {
        Instant declared = Instant.parse("2026-11-26T10:00:00Z");
        Instant incident = Instant.parse("2026-11-26T09:50:00Z");
        ManualClock clock = new ManualClock(declared);
        RecoveryPlan plan = RecoveryPlan.builder("measured").rto(Component.DATABASE, Component.FULL_SYSTEM)
                .rpo(Component.DATABASE, Component.CONFIGURATION)
                .step(Step.builder("restore").action(ctx -> {
                    clock.advance(Duration.ofMinutes(12));
                    return StepOutput.of("restored").withRecoveredTo(ctx.incidentAt().minus(Duration.ofMinutes(20)));
                }))
                .step(Steps.verify("verify", "Verify", List.of()).dependsOn("restore").action(ctx -> {
                    clock.advance(Duration.ofMinutes(6));
                    return StepOutput.of("healthy");
                }))
                .step(Step.builder("monitor").kind(StepKind.MONITOR).dependsOn("verify").action(ctx -> {
                    clock.advance(Duration.ofMinutes(30));
                    return StepOutput.of("stayed healthy");
                }))
                .build();
        PlanResult r = PlanRunner.builder().clock(clock).build()
                .run(plan, RunRequest.defaults().declaredAt(declared).incidentAt(incident));

        assertThat(r.verifiedHealthyAt()).as("monitoring does not extend the RTO").isEqualTo(declared.plus(Duration.ofMinutes(18)));
        assertThat(r.verdicts()).extracting(v -> v.kind() + " " + v.component() + " " + v.achieved() + " " + v.verdict())
                .containsExactly(
                        "RTO DATABASE PT18M MISSED",
                        "RTO FULL_SYSTEM PT18M MET",
                        "RPO DATABASE PT20M MET",
                        "RPO CONFIGURATION PT20M MISSED");

        PlanResult lenient = PlanRunner.builder().clock(clock).objectives(Objectives.defaults()
                .withRto(Component.DATABASE, Duration.ofMinutes(30))).build()
                .run(plan, RunRequest.defaults().declaredAt(clock.instant()).incidentAt(clock.instant()));
        assertThat(lenient.verdicts(ObjectiveVerdict.Kind.RTO).get(0).verdict()).isEqualTo(ObjectiveVerdict.Verdict.MET);
    }

    @Test
    void aFailedPlanMissesItsRto() {
        RecoveryPlan plan = RecoveryPlan.builder("unrecovered").rto(Component.APPLICATION).rpo(Component.DATABASE)
                .step(Step.builder("a").action(ctx -> { throw StepFailedException.permanent("no previous revision"); }))
                .step(Steps.verify("verify", "Verify", List.of()).dependsOn("a"))
                .build();
        PlanResult r = runner().run(plan, RunRequest.defaults());
        assertThat(r.verdicts()).extracting(ObjectiveVerdict::verdict)
                .containsExactly(ObjectiveVerdict.Verdict.MISSED, ObjectiveVerdict.Verdict.NOT_MEASURED);
        assertThat(r.verdicts().get(0).basis()).contains("not verified healthy");
    }

    @Test
    void theDryRunShowsOrderTimingAndMissingInputsWithoutRunningAnything() {
        AtomicBoolean ran = new AtomicBoolean();
        RecoveryPlan plan = RecoveryPlan.builder("dry").input("service", "svc").rto(Component.APPLICATION)
                .step(Step.builder("a").title("Find the bad deployment").expectedDuration(Duration.ofMinutes(2))
                        .action(ctx -> { ran.set(true); return StepOutput.of("x"); }))
                .step(Steps.approval("ok", "Approve rollback", "Roll back?").dependsOn("a"))
                .step(Step.builder("b").dependsOn("ok").expectedDuration(Duration.ofMinutes(4)).action(ctx -> StepOutput.of("y")))
                .build();
        String text = runner().dryRun(plan, RunRequest.defaults());
        assertThat(ran).isFalse();
        assertThat(text).contains("nothing is executed").contains("MISSING INPUTS").contains("service")
                .contains("Expected duration: 11 min (critical path: a -> ok -> b)")
                .contains("WARNING: the expected duration exceeds it")
                .contains("T+2 min").contains("T+7 min").contains("[a person must approve]");
    }
}
