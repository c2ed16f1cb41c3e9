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
            Thread.sleep(100);
            step.set("Replaying WAL (step 3 of 5)");
            Thread.sleep(330);
            u.stop("INC-7", "Recovered");
            int count = ch.received.size();
            Thread.sleep(400);
            assertThat(ch.received).hasSize(count); // nothing after stop
            assertThat(ch.titles()).startsWith("Incident INC-7: status update #1", "Incident INC-7: status update #2",
                    "Incident INC-7: status update #3").endsWith("RESOLVED Incident INC-7 closed");
            assertThat(count).isBetween(4, 5);
            assertThat(ch.received.get(0).message()).startsWith("Restoring base backup (step 2 of 5)\nElapsed:");
            assertThat(ch.received.get(1).message()).startsWith("Replaying WAL (step 3 of 5)");
            assertThat(ch.received).allMatch(a -> a.dedupKey().equals("incident:INC-7"));
            assertThat(u.isRunning("INC-7")).isFalse();
        }
    }

    @Test
    void defaultIntervalIsThirtyMinutesAndAFailingStatusSupplierDoesNotStopUpdates() throws Exception {
        RecordingNotifier ch = new RecordingNotifier("status");
        try (IncidentStatusUpdater u = IncidentStatusUpdater.builder().notifier(ch).build()) {
            u.start("INC-8", () -> {
                throw new IllegalStateException("runner gone");
            });
            Thread.sleep(200);
            assertThat(ch.received).hasSize(1); // the first one at once, the next in 30 min
            assertThat(ch.received.get(0).message()).startsWith("(status unavailable");
        }
    }
}
