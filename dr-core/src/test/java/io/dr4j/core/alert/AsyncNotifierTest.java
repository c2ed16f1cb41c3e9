package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.config.Secret;

import org.junit.jupiter.api.Test;

class AsyncNotifierTest {

    @Test
    void unreachableWebhookNeverBlocksTheCallerAndIsReportedAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens
        }
        WebhookNotifier hook = WebhookNotifier.builder().url(Secret.of("http://127.0.0.1:" + port + "/hook"))
                .hmacSecret(Secret.of("k")).retry(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(200), 1))
                .build();
        List<String> failures = new CopyOnWriteArrayList<>();
        try (AsyncNotifier async = AsyncNotifier.wrap(hook, 10, (a, r) -> { },
                (a, e) -> failures.add(e.getMessage()))) {
            long t0 = System.nanoTime();
            async.notify(Alert.of(Severity.CRITICAL, "Backup failed", "disk full", "backup"));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("the caller (a backup) must not wait for 3 tries of 200 ms").isLessThan(100);
            assertThat(async.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(async.failed()).isEqualTo(1);
            assertThat(failures).singleElement().asString().contains("after 3 tries").contains("webhook:default");
        }
    }

    @Test
    void fullQueueDropsAndCountsInsteadOfBlocking() {
        RecordingNotifier slow = new RecordingNotifier("slow");
        slow.delayMillis = 1000; // long enough that no second alert is taken while the ten are offered
        List<String> drops = new CopyOnWriteArrayList<>();
        try (AsyncNotifier async = AsyncNotifier.wrap(slow, 2, (a, r) -> drops.add(a.title() + ": " + r),
                (a, e) -> { })) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                async.notify(Alert.of(Severity.WARNING, "alert " + i, "m", "test"));
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(200);
            assertThat(async.dropped()).isBetween(7L, 8L); // one in flight, two queued
            assertThat(drops).isNotEmpty().allMatch(s -> s.contains("queue is full"));
            assertThat(async.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(slow.received.size() + async.dropped()).isEqualTo(10);
        }
    }

    @Test
    void closeDeliversWhatIsQueuedAndRefusesMore() {
        RecordingNotifier ch = new RecordingNotifier("ch");
        ch.delayMillis = 20;
        AsyncNotifier async = AsyncNotifier.wrap(ch, 100);
        for (int i = 0; i < 5; i++) {
            async.notify(Alert.of(Severity.WARNING, "a" + i, "m", "test"));
        }
        async.close();
        assertThat(ch.received).hasSize(5);
        async.notify(Alert.of(Severity.WARNING, "late", "m", "test"));
        assertThat(async.dropped()).isEqualTo(1);
    }
}
