package io.dr4j.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    private final ManualClock clock = ManualClock.at("2026-11-26T01:00:00Z");
    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private final List<ScheduledJob.Context> runs = new CopyOnWriteArrayList<>();

    private Scheduler scheduler(ScheduleStateStore store, LeaderLock lock) {
        return Scheduler.builder().clock(clock).stateStore(store).leaderLock(lock)
                .random(new java.util.Random(42)).build().addListener(events::add);
    }

    private static void await(List<Future<?>> started) throws Exception {
        for (Future<?> f : started) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    private List<JobEvent.Type> types() {
        return events.stream().map(JobEvent::type).toList();
    }

    @Test
    void runsTheDailyFullBackupAt0200UtcAndPlansTheNextDay() throws Exception {
        ScheduleStateStore store = ScheduleStateStore.inMemory();
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            assertThat(s.nextRun("full-backup")).contains(Instant.parse("2026-11-26T02:00:00Z"));
            assertThat(s.tick()).isEmpty();
            clock.set("2026-11-26T01:59:59Z");
            assertThat(s.tick()).isEmpty();
            clock.set("2026-11-26T02:00:00Z");
            await(s.tick());
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2026-11-26T02:00:00Z"));
                assertThat(r.catchUp()).isFalse();
            });
            assertThat(s.tick()).isEmpty(); // once per fire time
            assertThat(s.nextRun("full-backup")).contains(Instant.parse("2026-11-27T02:00:00Z"));
            assertThat(store.load("full-backup")).get().satisfies(st -> {
                assertThat(st.outcome()).isEqualTo(JobState.SUCCEEDED);
                assertThat(st.lastScheduledFor()).isEqualTo(Instant.parse("2026-11-26T02:00:00Z"));
            });
            assertThat(types()).containsExactly(JobEvent.Type.STARTED, JobEvent.Type.SUCCEEDED);
        }
    }

    @Test
    void jitterDelaysEachRunWithinItsBoundsAndVaries() throws Exception {
        Duration jitter = Duration.ofMinutes(10);
        try (Scheduler s = scheduler(ScheduleStateStore.inMemory(), LeaderLock.local())) {
            s.add(new ScheduledJob("hourly", CronSchedule.parse("0 * * * *"), jitter, true, runs::add));
            Set<Instant> seen = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                Instant due = s.nextRun("hourly").orElseThrow();
                Instant fire = CronSchedule.parse("0 * * * *").lastAtOrBefore(due).orElseThrow();
                assertThat(due).isBetween(fire, fire.plus(jitter));
                seen.add(due.minusSeconds(fire.getEpochSecond()));
                clock.set(due.minusMillis(1));
                assertThat(s.tick()).as("not before its jittered time").isEmpty();
                clock.set(due);
                await(s.tick());
                assertThat(runs.get(runs.size() - 1).scheduledFor()).isEqualTo(fire);
            }
            assertThat(runs).hasSize(40);
            assertThat(seen).as("jitter is random, not a constant offset").hasSizeGreaterThan(30);
        }
    }

    @Test
    void aRunStillGoingMakesTheNextFireTimeSkipNotOverlap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        try (Scheduler s = scheduler(ScheduleStateStore.inMemory(), LeaderLock.local())) {
            s.add(new ScheduledJob("slow", CronSchedule.parse("0 * * * *"), Duration.ZERO, true, ctx -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } finally {
                    concurrent.decrementAndGet();
                }
                runs.add(ctx);
            }));
            clock.set("2026-11-26T02:00:00Z");
            List<Future<?>> first = s.tick();
            assertThat(first).hasSize(1);
            clock.set("2026-11-26T03:00:00Z");
            assertThat(s.tick()).isEmpty();
            assertThat(s.isRunning("slow")).isTrue();
            release.countDown();
            await(first);
            clock.set("2026-11-26T04:00:00Z");
            await(s.tick());
            assertThat(maxConcurrent).hasValue(1);
            assertThat(runs).extracting(ScheduledJob.Context::scheduledFor).containsExactly(
                    Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-26T04:00:00Z"));
            assertThat(events).filteredOn(e -> e.type() == JobEvent.Type.SKIPPED_OVERLAP).singleElement()
                    .extracting(JobEvent::scheduledFor).isEqualTo(Instant.parse("2026-11-26T03:00:00Z"));
        }
    }

    @Test
    void aRunMissedWhileTheServiceWasDownIsCaughtUpOnceAfterRestart(@TempDir Path dir) throws Exception {
        ScheduleStateStore store = ScheduleStateStore.inTarget(FileBackupTarget.of(dir), "status/");
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            clock.set("2026-11-26T02:00:00Z");
            await(s.tick());
        }
        // down from 03:00 on the 26th until 07:30 on the 29th: three fire times missed
        clock.set("2026-11-29T07:30:00Z");
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            assertThat(s.nextRun("full-backup")).contains(Instant.parse("2026-11-29T07:30:00Z"));
            await(s.tick());
            assertThat(s.tick()).isEmpty();
            assertThat(s.nextRun("full-backup")).contains(Instant.parse("2026-11-30T02:00:00Z"));
        }
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).catchUp()).isTrue();
        assertThat(runs.get(1).scheduledFor()).isEqualTo(Instant.parse("2026-11-29T02:00:00Z"));
        assertThat(types()).containsExactly(JobEvent.Type.STARTED, JobEvent.Type.SUCCEEDED, JobEvent.Type.CATCH_UP,
                JobEvent.Type.SUCCEEDED);
        // restarted again without a missed fire time: nothing to catch up
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            assertThat(s.tick()).isEmpty();
        }
    }

    @Test
    void noCatchUpOnTheVeryFirstStartOrWhenDisabled(@TempDir Path dir) throws Exception {
        ScheduleStateStore store = ScheduleStateStore.inTarget(FileBackupTarget.of(dir), "");
        clock.set("2026-11-26T07:00:00Z");
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            s.add(new ScheduledJob("no-catch-up", CronSchedule.dailyAt0200Utc(), Duration.ZERO, false, runs::add));
            assertThat(s.tick()).isEmpty();
        }
        clock.set("2026-11-28T07:00:00Z");
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            s.add(new ScheduledJob("no-catch-up", CronSchedule.dailyAt0200Utc(), Duration.ZERO, false, runs::add));
            await(s.tick());
        }
        assertThat(runs).extracting(ScheduledJob.Context::job).containsExactly("full-backup");
    }

    @Test
    void aRunInterruptedByACrashIsCaughtUp(@TempDir Path dir) throws Exception {
        ScheduleStateStore store = ScheduleStateStore.inTarget(FileBackupTarget.of(dir), "");
        store.save(new JobState("full-backup", Instant.parse("2026-11-26T02:00:00Z"),
                Instant.parse("2026-11-26T02:00:00Z"), null, JobState.RUNNING, null));
        clock.set("2026-11-26T02:30:00Z");
        try (Scheduler s = scheduler(store, LeaderLock.local())) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            await(s.tick());
        }
        assertThat(runs).singleElement().satisfies(r -> assertThat(r.catchUp()).isTrue());
    }

    @Test
    void onlyTheReplicaHoldingTheLeaderLockRunsTheJob() throws Exception {
        LeaderLock shared = LeaderLock.local();
        CountDownLatch release = new CountDownLatch(1);
        ScheduledJob.Task task = ctx -> {
            assertThat(ctx.lease().isValid()).isTrue();
            runs.add(ctx);
            release.await(10, TimeUnit.SECONDS);
        };
        ScheduleStateStore sharedState = ScheduleStateStore.inMemory();
        try (Scheduler a = scheduler(sharedState, shared);
             Scheduler b = scheduler(sharedState, shared)) {
            a.add(ScheduledJob.dailyFullBackup(task));
            b.add(ScheduledJob.dailyFullBackup(task));
            clock.set("2026-11-26T02:00:00Z");
            List<Future<?>> fa = a.tick();
            List<Future<?>> fb = b.tick();
            assertThat(fa).hasSize(1);
            assertThat(fb).isEmpty();
            release.countDown();
            await(fa);
            assertThat(runs).hasSize(1);
            assertThat(types()).contains(JobEvent.Type.SKIPPED_NOT_LEADER);
            // the lease was released: the next day either may run it, but only one does (shared state)
            clock.set("2026-11-27T02:00:00Z");
            List<Future<?>> next = new ArrayList<>(b.tick());
            await(next);
            next.addAll(a.tick());
            await(next);
            assertThat(runs).hasSize(2);
            assertThat(events).filteredOn(e -> e.type() == JobEvent.Type.SKIPPED_NOT_LEADER)
                    .extracting(JobEvent::detail).containsExactly("lock held elsewhere", "run by another replica");
        }
    }

    @Test
    void anUnreachableLockServiceSkipsTheRunInsteadOfFailingTheScheduler() throws Exception {
        LeaderLock broken = new LeaderLock() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public java.util.Optional<Lease> tryAcquire(String lockName) {
                throw new LeaderLockException("database unreachable", null);
            }
        };
        try (Scheduler s = scheduler(ScheduleStateStore.inMemory(), broken)) {
            s.add(ScheduledJob.dailyFullBackup(runs::add));
            clock.set("2026-11-26T02:00:00Z");
            assertThat(s.tick()).isEmpty();
            assertThat(runs).isEmpty();
            assertThat(types()).containsExactly(JobEvent.Type.SKIPPED_NOT_LEADER);
            assertThat(s.nextRun("full-backup")).contains(Instant.parse("2026-11-27T02:00:00Z"));
        }
    }

    @Test
    void aFailingJobIsRecordedAlertedAndResolvedWhenItSucceedsAgain() throws Exception {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        Notifier n = new Notifier() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void notify(Alert alert) {
                alerts.add(alert);
            }
        };
        ScheduleStateStore store = ScheduleStateStore.inMemory();
        AtomicInteger calls = new AtomicInteger();
        try (Scheduler s = Scheduler.builder().clock(clock).stateStore(store).notifier(n).build()) {
            s.addListener(events::add);
            s.add(ScheduledJob.dailyFullBackup(ctx -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("repository unreachable");
                }
            }));
            clock.set("2026-11-26T02:00:00Z");
            await(s.tick());
            assertThat(store.load("full-backup")).get().satisfies(st -> {
                assertThat(st.outcome()).isEqualTo(JobState.FAILED);
                assertThat(st.error()).isEqualTo("repository unreachable");
            });
            clock.set("2026-11-27T02:00:00Z");
            await(s.tick());
            clock.set("2026-11-28T02:00:00Z");
            await(s.tick());
        }
        assertThat(types()).containsExactly(JobEvent.Type.STARTED, JobEvent.Type.FAILED, JobEvent.Type.STARTED,
                JobEvent.Type.SUCCEEDED, JobEvent.Type.STARTED, JobEvent.Type.SUCCEEDED);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).title()).isEqualTo("Scheduled job full-backup failed");
        assertThat(alerts.get(0).message()).isEqualTo("repository unreachable");
        assertThat(alerts.get(1).resolved()).isTrue();
    }

    @Test
    void theBackgroundThreadStartsARunWhenItIsDue() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Duration> offset = new java.util.concurrent.atomic.AtomicReference<>(
                Duration.ZERO);
        java.time.Clock shifted = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(offset.get());
            }
        };
        CountDownLatch ran = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder().clock(shifted).build()) {
            // shift the clock so that the next minute boundary is 1.5 s away in real time
            Instant now = Instant.now();
            Instant boundary = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
            offset.set(Duration.between(now, boundary).minusMillis(1500));
            s.add(new ScheduledJob("every-minute", CronSchedule.parse("* * * * *"), Duration.ZERO, false,
                    ctx -> ran.countDown()));
            assertThat(s.nextRun("every-minute")).contains(boundary);
            s.start();
            assertThat(ran.await(15, TimeUnit.SECONDS)).as("run started by the background thread").isTrue();
        }
    }
}
