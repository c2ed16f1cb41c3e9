package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class IncidentStatusUpdaterTest {

    @Test
    void sendsNumberedUpdatesEveryIntervalAndAResolveOnStop() throws Exception {
        RecordingNotifier ch = new RecordingNotifier("status");
        AtomicReference<String> step = new AtomicReference<>("Restoring base backup (step 2 of 5)");
        try (IncidentStatusUpdater u = IncidentStatusUpdater.builder().notifier(ch).interval(Duration.ofMillis(150))
                .build()) {
            u.start("INC-7", step::get);
            assertThat(u.isRunning("INC-7")).isTrue();
            assertThatThrownBy(() -> u.start("INC-7", step::get)).isInstanceOf(IllegalStateException.class);
            await(() -> ch.received.size() >= 1);
            step.set("Replaying WAL (step 3 of 5)");
            await(() -> ch.received.size() >= 3);
            u.stop("INC-7", "Recovered");
            int count = ch.received.size();
            Thread.sleep(400);
            assertThat(ch.received).hasSize(count); // nothing after stop
            assertThat(ch.titles()).startsWith("Incident INC-7: status update #1", "Incident INC-7: status update #2",
                    "Incident INC-7: status update #3").endsWith("RESOLVED Incident INC-7 closed");
            assertThat(count).isGreaterThanOrEqualTo(4);
            for (int i = 0; i < count - 1; i++) {
                assertThat(ch.received.get(i).title()).isEqualTo("Incident INC-7: status update #" + (i + 1));
            }
            assertThat(ch.received.get(0).message()).startsWith("Restoring base backup (step 2 of 5)\nElapsed:");
            assertThat(ch.received.get(count - 2).message()).startsWith("Replaying WAL (step 3 of 5)");
            assertThat(ch.received).allMatch(a -> a.dedupKey().equals("incident:INC-7"));
            assertThat(u.isRunning("INC-7")).isFalse();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void defaultIntervalIsThirtyMinutesAndAFailingStatusSupplierDoesNotStopUpdates() throws Exception {
        RecordingNotifier ch = new RecordingNotifier("status");
        try (IncidentStatusUpdater u = IncidentStatusUpdater.builder().notifier(ch).build()) {
            u.start("INC-8", () -> {
                throw new IllegalStateException("runner gone");
            });
            await(() -> ch.received.size() >= 1);
            Thread.sleep(300);
            assertThat(ch.received).hasSize(1); // the first one at once, the next in 30 min
            assertThat(ch.received.get(0).message()).startsWith("(status unavailable");
        }
    }
}
