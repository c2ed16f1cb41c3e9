package io.dr4j.postgres.lock;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.schedule.CronSchedule;
import io.dr4j.core.schedule.JobEvent;
import io.dr4j.core.schedule.LeaderLock;
import io.dr4j.core.schedule.LeaderLockException;
import io.dr4j.core.schedule.ScheduleStateStore;
import io.dr4j.core.schedule.ScheduledJob;
import io.dr4j.core.schedule.Scheduler;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two contenders for advisory locks on a real PostgreSQL server. */
class PostgresAdvisoryLeaderLockIT {
    private static ScratchCluster pg;

    @BeforeAll
    static void start() {
        pg = ScratchCluster.builder().binaries(PostgresBinaries.installed(15).orElseThrow()).start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static PostgresAdvisoryLeaderLock contender() {
        return new PostgresAdvisoryLeaderLock(() -> pg.connect("postgres"), "127.0.0.1:" + pg.port() + "/postgres");
    }

    private static long advisoryLocksHeld() throws Exception {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void onlyOneContenderHoldsALockUntilItIsReleased() throws Exception {
        try (PostgresAdvisoryLeaderLock a = contender(); PostgresAdvisoryLeaderLock b = contender()) {
            Optional<LeaderLock.Lease> la = a.tryAcquire("full-backup");
            assertThat(la).isPresent();
            assertThat(b.tryAcquire("full-backup")).as("held by a's session").isEmpty();
            assertThat(a.tryAcquire("full-backup")).as("no re-entrant second lease in one process").isEmpty();
            Optional<LeaderLock.Lease> other = b.tryAcquire("wal-check");
            assertThat(other).as("other lock names are independent").isPresent();
            assertThat(advisoryLocksHeld()).isEqualTo(2);

            la.get().close();
            assertThat(la.get().isValid()).isFalse();
            Optional<LeaderLock.Lease> lb = b.tryAcquire("full-backup");
            assertThat(lb).isPresent();
            assertThat(lb.get().isValid()).isTrue();
            assertThat(a.tryAcquire("full-backup")).isEmpty();
            lb.get().close();
            other.get().close();
            assertThat(advisoryLocksHeld()).isZero();
        }
    }

    @Test
    void aHolderWhoseSessionDiesLosesTheLockToTheOtherContender() throws Exception {
        try (PostgresAdvisoryLeaderLock a = contender(); PostgresAdvisoryLeaderLock b = contender()) {
            LeaderLock.Lease la = a.tryAcquire("nightly").orElseThrow();
            assertThat(b.tryAcquire("nightly")).isEmpty();
            // the holder's backend is killed (crash, network cut, failover)
            long key = a.key("nightly");
            try (Connection admin = pg.connect("postgres"); Statement s = admin.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = "
                         + "'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = " + key)) {
                assertThat(rs.next()).as("the lock is visible in pg_locks under its key").isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Optional<LeaderLock.Lease> lb = b.tryAcquire("nightly");
            while (lb.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                lb = b.tryAcquire("nightly");
            }
            assertThat(lb).as("released by PostgreSQL when the session ended").isPresent();
            assertThat(la.isValid()).as("the lost lease knows it").isFalse();
            la.close(); // harmless
            assertThat(a.tryAcquire("nightly")).as("a reconnects but b holds it").isEmpty();
            lb.get().close();
            assertThat(a.tryAcquire("nightly")).isPresent();
        }
    }

    @Test
    void twoSchedulerReplicasRunADueJobOnce() throws Exception {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        ManualClock mc = new ManualClock(Instant.parse("2026-11-26T01:59:00Z"));
        try (PostgresAdvisoryLeaderLock la = contender(); PostgresAdvisoryLeaderLock lb = contender();
             Scheduler a = Scheduler.builder().clock(mc).leaderLock(la).stateStore(ScheduleStateStore.inMemory()).build();
             Scheduler b = Scheduler.builder().clock(mc).leaderLock(lb).stateStore(ScheduleStateStore.inMemory()).build()) {
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            b.addListener(events::add);
            a.add(new ScheduledJob("full-backup", CronSchedule.parse("0 2 * * *"), Duration.ZERO, false, ctx -> {
                ranOn.add("a");
                assertThat(ctx.lease().isValid()).isTrue();
                release.await(10, TimeUnit.SECONDS);
            }));
            b.add(new ScheduledJob("full-backup", CronSchedule.parse("0 2 * * *"), Duration.ZERO, false,
                    ctx -> ranOn.add("b")));
            mc.set("2026-11-26T02:00:00Z");
            List<Future<?>> fa = a.tick();
            List<Future<?>> fb = b.tick();
            assertThat(fa).hasSize(1);
            assertThat(fb).isEmpty();
            assertThat(events).extracting(JobEvent::type).containsExactly(JobEvent.Type.SKIPPED_NOT_LEADER);
            release.countDown();
            fa.get(0).get(10, TimeUnit.SECONDS);
        }
        assertThat(ranOn).containsExactly("a");
        assertThat(advisoryLocksHeld()).isZero();
    }

    @Test
    void anUnreachableDatabaseIsALockErrorWithoutCredentials() {
        PostgresAdvisoryLeaderLock lock = new PostgresAdvisoryLeaderLock(() -> java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ScratchCluster.freePort() + "/postgres?connectTimeout=2",
                "dr4j", "TOPSECRETPW"), "127.0.0.1/postgres");
        assertThatThrownBy(() -> lock.tryAcquire("x")).isInstanceOf(LeaderLockException.class)
                .hasMessageContaining("Could not ask PostgreSQL at 127.0.0.1/postgres for the advisory lock x")
                .hasMessageNotContaining("TOPSECRETPW");
        lock.close();
    }

}
