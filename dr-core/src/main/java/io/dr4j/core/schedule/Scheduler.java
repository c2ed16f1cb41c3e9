package io.dr4j.core.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ScheduledJob}s on their cron schedules.
 *
 * <ul>
 *   <li><b>Jitter</b>: each run starts at its fire time plus a random delay within the job's jitter.</li>
 *   <li><b>No overlap</b>: a fire time that comes while the job's previous run is still going is skipped (and
 *       reported), never run in parallel.</li>
 *   <li><b>Catch-up</b>: the fire time of each run is persisted ({@link ScheduleStateStore}); when the scheduler
 *       starts and a fire time passed since the last recorded one (the service was down), the job runs once at
 *       once. Several missed fire times give one run. A run that was interrupted by a crash is caught up too.</li>
 *   <li><b>Leader lock</b>: a run starts only when this replica gets the job's {@link LeaderLock}; otherwise it is
 *       skipped here (another replica runs it). With a state store shared by the replicas (e.g.
 *       {@link ScheduleStateStore#inTarget} on the repository) a fire time another replica already ran is skipped
 *       too, so a fast job does not run once per replica.</li>
 *   <li><b>Clock</b>: all decisions use the given {@link Clock}; {@link #tick()} runs what is due now, so tests
 *       drive the scheduler with a controllable clock without the background thread.</li>
 * </ul>
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final Duration MAX_SLEEP = Duration.ofSeconds(30);

    private final class Slot {
        final ScheduledJob job;
        final AtomicBoolean running = new AtomicBoolean();
        @Nullable Instant fireTime;   // the cron fire time of the next run
        @Nullable Instant dueAt;      // fireTime + jitter (or now, for a catch-up)
        boolean catchUpPending;
        @Nullable Future<?> current;

        Slot(ScheduledJob job) {
            this.job = job;
        }
    }

    private final Clock clock;
    private final ScheduleStateStore store;
    private final LeaderLock lock;
    private final ExecutorService workers;
    private final boolean ownWorkers;
    private final RandomGenerator random;
    private final @Nullable Notifier notifier;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Object wake = new Object();
    private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private @Nullable Thread driver;

    private Scheduler(Builder b) {
        this.clock = b.clock;
        this.store = b.store;
        this.lock = b.lock;
        this.random = b.random;
        this.notifier = b.notifier;
        if (b.workers == null) {
            AtomicInteger n = new AtomicInteger();
            this.workers = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "dr4j-job-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.ownWorkers = true;
        } else {
            this.workers = b.workers;
            this.ownWorkers = false;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a job and decides its first run: a catch-up at once when a fire time was missed since the last persisted
     * run, else its next fire time.
     *
     * @throws ConfigurationException when a job with that name exists
     */
    public Scheduler add(ScheduledJob job) {
        Objects.requireNonNull(job, "job");
        Slot slot = new Slot(job);
        if (slots.putIfAbsent(job.name(), slot) != null) {
            throw new ConfigurationException("A job named " + job.name() + " is scheduled already: job names are unique");
        }
        Instant now = clock.instant();
        Optional<JobState> state = store.load(job.name());
        Optional<Instant> lastFire = job.schedule().lastAtOrBefore(now);
        synchronized (slot) {
            if (state.isPresent() && job.catchUp() && lastFire.isPresent() && missed(state.get(), lastFire.get())) {
                slot.catchUpPending = true;
                slot.fireTime = lastFire.get();
                slot.dueAt = now;
                log.info("Job {}: the run of {} was missed (last recorded run {}, {}); catching up now", job.name(),
                        lastFire.get(), state.get().lastScheduledFor(), state.get().outcome());
            } else {
                planNext(slot, now);
            }
        }
        if (state.isEmpty()) {
            // first time this job is seen: remember from when on runs count as missed
            store.save(new JobState(job.name(), lastFire.orElse(now), null, null, JobState.REGISTERED, null));
        }
        log.info("Job {} scheduled {}; next run {}", job.name(), job.schedule().describe(), slot.dueAt);
        synchronized (wake) {
            wake.notifyAll();
        }
        return this;
    }

    private static boolean missed(JobState s, Instant lastFire) {
        if (JobState.RUNNING.equals(s.outcome())) {
            return true; // interrupted by a crash or shutdown
        }
        return s.lastScheduledFor() == null || s.lastScheduledFor().isBefore(lastFire);
    }

    private void planNext(Slot slot, Instant after) {
        Optional<Instant> next = slot.job.schedule().nextAfter(after);
        slot.fireTime = next.orElse(null);
        slot.dueAt = next.map(t -> t.plus(jitter(slot.job.jitter()))).orElse(null);
        slot.catchUpPending = false;
    }

    private Duration jitter(Duration max) {
        if (max.isZero()) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(random.nextLong(max.toMillis() + 1));
    }

    /** Listens to job events (started, finished, skipped); called on scheduler and worker threads. */
    public Scheduler addListener(Consumer<JobEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** When the job's next run is due, empty when it never fires again or is unknown. */
    public Optional<Instant> nextRun(String job) {
        Slot s = slots.get(job);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return Optional.ofNullable(s.dueAt);
        }
    }

    /** Whether a run of the job is in progress. */
    public boolean isRunning(String job) {
        Slot s = slots.get(job);
        return s != null && s.running.get();
    }

    /**
     * Starts every run that is due now (by the clock) and returns their futures. The background thread calls this;
     * tests call it directly after moving their clock.
     */
    public List<Future<?>> tick() {
        List<Future<?>> started = new ArrayList<>();
        Instant now = clock.instant();
        for (Slot slot : slots.values()) {
            Instant fire;
            boolean catchUp;
            synchronized (slot) {
                if (slot.dueAt == null || slot.dueAt.isAfter(now) || closed) {
                    continue;
                }
                fire = slot.fireTime;
                catchUp = slot.catchUpPending;
                planNext(slot, now); // several fire times missed by this tick give one run
            }
            String name = slot.job.name();
            if (!slot.running.compareAndSet(false, true)) {
                log.warn("Job {}: run for {} skipped, the previous run is still going", name, fire);
                emit(new JobEvent(name, JobEvent.Type.SKIPPED_OVERLAP, fire, now, "previous run still going"));
                continue;
            }
            Optional<LeaderLock.Lease> lease;
            try {
                lease = lock.tryAcquire(name);
            } catch (RuntimeException e) {
                log.warn("Job {}: run for {} skipped, leader lock {} unavailable: {}", name, fire, lock.name(),
                        e.getMessage());
                lease = Optional.empty();
            }
            if (lease.isEmpty()) {
                slot.running.set(false);
                log.info("Job {}: run for {} skipped here, another replica holds the lock", name, fire);
                emit(new JobEvent(name, JobEvent.Type.SKIPPED_NOT_LEADER, fire, now, "lock held elsewhere"));
                continue;
            }
            LeaderLock.Lease held = lease.get();
            Optional<JobState> done = loadQuietly(name);
            if (done.isPresent() && done.get().lastScheduledFor() != null
                    && !done.get().lastScheduledFor().isBefore(fire)
                    && (JobState.SUCCEEDED.equals(done.get().outcome()) || JobState.FAILED.equals(done.get().outcome()))) {
                // with a shared state store: another replica ran this fire time already
                held.close();
                slot.running.set(false);
                log.info("Job {}: run for {} skipped, another replica ran it already", name, fire);
                emit(new JobEvent(name, JobEvent.Type.SKIPPED_NOT_LEADER, fire, now, "run by another replica"));
                continue;
            }
            try {
                store.save(new JobState(name, fire, now, null, JobState.RUNNING, null));
                emit(new JobEvent(name, catchUp ? JobEvent.Type.CATCH_UP : JobEvent.Type.STARTED, fire, now, null));
                ScheduledJob.Context ctx = new ScheduledJob.Context(name, fire, now, catchUp, held);
                Future<?> f = workers.submit(() -> execute(slot, ctx));
                synchronized (slot) {
                    slot.current = f;
                }
                started.add(f);
            } catch (RuntimeException e) {
                held.close();
                slot.running.set(false);
                log.error("Job {}: run for {} could not be started: {}", name, fire, e.getMessage(), e);
                emit(new JobEvent(name, JobEvent.Type.FAILED, fire, now, "could not start: " + e.getMessage()));
            }
        }
        return started;
    }

    private Optional<JobState> loadQuietly(String job) {
        try {
            return store.load(job);
        } catch (RuntimeException e) {
            log.warn("Job {}: state unreadable ({}); running anyway", job, e.getMessage());
            return Optional.empty();
        }
    }

    private void execute(Slot slot, ScheduledJob.Context ctx) {
        String name = ctx.job();
        @Nullable String error = null;
        try {
            log.info("Job {} started (for {}{})", name, ctx.scheduledFor(), ctx.catchUp() ? ", catch-up" : "");
            slot.job.task().run(ctx);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            log.error("Job {} failed: {}", name, error, e);
        } finally {
            Instant end = clock.instant();
            try {
                store.save(new JobState(name, ctx.scheduledFor(), ctx.startedAt(), end,
                        error == null ? JobState.SUCCEEDED : JobState.FAILED, error));
            } catch (RuntimeException e) {
                log.warn("Job {}: its state could not be saved ({}); a restart may repeat the run", name, e.getMessage());
            }
            ctx.lease().close();
            slot.running.set(false);
            if (error == null) {
                log.info("Job {} finished in {} ms", name, Duration.between(ctx.startedAt(), end).toMillis());
                emit(new JobEvent(name, JobEvent.Type.SUCCEEDED, ctx.scheduledFor(), end, null));
            } else {
                emit(new JobEvent(name, JobEvent.Type.FAILED, ctx.scheduledFor(), end, error));
            }
            alert(name, error, end);
        }
    }

    private void alert(String job, @Nullable String error, Instant at) {
        if (notifier == null || (error == null && !failing.remove(job))) {
            return;
        }
        if (error != null) {
            failing.add(job);
        }
        Alert a = new Alert(Severity.ERROR, "Scheduled job " + job + " failed",
                error == null ? "" : error, "scheduler", "dr4j:job:" + job, false, Map.of("job", job), at);
        try {
            notifier.notify(error == null ? a.resolve("Scheduled job " + job + " succeeded again") : a);
        } catch (RuntimeException e) {
            log.warn("Alert about job {} not delivered: {}", job, e.getMessage());
        }
    }

    private void emit(JobEvent e) {
        for (Consumer<JobEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("Job listener failed: {}", ex.toString());
            }
        }
    }

    /** Starts the background thread that calls {@link #tick()} when runs are due. */
    public synchronized Scheduler start() {
        if (driver != null) {
            return this;
        }
        Thread t = new Thread(this::drive, "dr4j-scheduler");
        t.setDaemon(true);
        driver = t;
        t.start();
        return this;
    }

    private void drive() {
        while (!closed) {
            try {
                tick();
            } catch (RuntimeException e) {
                log.error("Scheduler tick failed: {}", e.getMessage(), e);
            }
            Instant now = clock.instant();
            Duration sleep = MAX_SLEEP;
            for (Slot s : slots.values()) {
                synchronized (s) {
                    if (s.dueAt != null) {
                        Duration d = Duration.between(now, s.dueAt);
                        if (d.compareTo(sleep) < 0) {
                            sleep = d;
                        }
                    }
                }
            }
            synchronized (wake) {
                try {
                    if (!closed && sleep.toMillis() > 0) {
                        wake.wait(Math.max(1, sleep.toMillis()));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Stops starting runs, waits up to {@code timeout} for running ones, then interrupts them; closes the worker
     * pool when it created it. The leader lock is not closed (its owner closes it).
     */
    public void close(Duration timeout) {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread d = driver;
        if (d != null) {
            d.interrupt();
        }
        if (ownWorkers) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private ScheduleStateStore store = ScheduleStateStore.inMemory();
        private LeaderLock lock = LeaderLock.local();
        private @Nullable ExecutorService workers;
        private RandomGenerator random = RandomGenerator.getDefault();
        private @Nullable Notifier notifier;

        private Builder() {
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where run state is kept; in memory by default (then nothing is caught up after a restart). */
        public Builder stateStore(ScheduleStateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Default: {@link LeaderLock#local()} (one replica). */
        public Builder leaderLock(LeaderLock lock) {
            this.lock = Objects.requireNonNull(lock, "lock");
            return this;
        }

        /** Runs the jobs; by default a pool of daemon threads of its own. */
        public Builder workers(ExecutorService workers) {
            this.workers = Objects.requireNonNull(workers, "workers");
            return this;
        }

        /** Source of jitter (seed it in tests). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Alerts (ERROR) when a job fails, resolved when it succeeds again. */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        public Scheduler build() {
            return new Scheduler(this);
        }
    }
}
