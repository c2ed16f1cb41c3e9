package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.plan.PlanExecution;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.PlanStatus;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepOutput;

import org.junit.jupiter.api.Test;

/** Status updates of a real recovery plan run through the plan runner's listener hook. */
class IncidentStatusListenerTest {

    @Test
    void postsTheLiveStatusOfARunningPlanAndClosesWithItsOutcome() throws Exception {
        RecordingNotifier channel = new RecordingNotifier("status-page");
        CountDownLatch release = new CountDownLatch(1);
        RecoveryPlan plan = RecoveryPlan.builder("restore-drill")
                .step(Step.builder("restore").timeout(Duration.ofSeconds(30)).action(ctx -> {
                    release.await(20, TimeUnit.SECONDS);
                    return StepOutput.of("restored");
                }))
                .build();
        try (IncidentStatusUpdater updater = IncidentStatusUpdater.builder().notifier(channel)
                .interval(Duration.ofMillis(100)).build()) {
            PlanRunner runner = PlanRunner.builder().listener(new IncidentStatusListener(updater)).build();
            PlanExecution run = runner.start(plan, RunRequest.defaults());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (channel.received.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(updater.isRunning(run.runId())).isTrue();
            release.countDown();
            PlanResult result = run.await();
            assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(updater.isRunning(run.runId())).isFalse();
        }
        assertThat(channel.received.size()).isGreaterThanOrEqualTo(4);
        Alert first = channel.received.get(0);
        assertThat(first.title()).endsWith(": status update #1");
        assertThat(first.message()).contains("0 of 1 steps done").contains("since the incident was declared");
        Alert last = channel.received.get(channel.received.size() - 1);
        assertThat(last.resolved()).isTrue();
        assertThat(last.message()).contains("1 of 1 steps done").contains("succeeded");
        assertThat(channel.received).extracting(Alert::dedupKey).containsOnly(first.dedupKey());
    }
}
