package io.dr4j.deploy.k8s.lock;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.schedule.LeaderLock;
import io.dr4j.core.schedule.LeaderLockException;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaderLock} on Kubernetes Leases ({@code coordination.k8s.io/v1}), the object Kubernetes' own controllers
 * elect leaders with. Each lock name is a Lease {@code <prefix><lockName>} in the namespace; its
 * {@code holderIdentity} is this replica (the pod name by default). A Lease is taken when it does not exist, is free
 * (empty holder) or expired ({@code renewTime + leaseDurationSeconds} in the past); writes carry the
 * {@code resourceVersion} read, so two replicas racing for it cannot both win. While held, the Lease is renewed
 * every {@code renewPeriod}; a lease that could not be renewed within its duration, or was taken over, is no longer
 * {@link Lease#isValid() valid}. Closing a lease empties the holder so another replica can take it at once.
 *
 * <p>Safety rests on two things the API server enforces: creating an existing Lease fails (409), and an update
 * carrying a stale {@code resourceVersion} fails (409); every update here carries the version just read. Threads of
 * one process take turns per lock, a lease that ran out unrenewed is superseded (never valid again) before a new one
 * is taken, and times are kept at the server's microsecond precision, so a holder never believes it holds longer
 * than the stored {@code renewTime + leaseDurationSeconds}. Replicas' clocks must agree to well within the lease
 * duration (as for Kubernetes' own leader election).
 *
 * <p>Leases written by other tools (without {@code acquireTime}, say) are read as they are. RBAC: the service
 * account needs {@code get, create, update} on {@code leases} in the namespace.
 */
public final class KubernetesLeaseLeaderLock implements LeaderLock {
    private static final Logger log = LoggerFactory.getLogger(KubernetesLeaseLeaderLock.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String identity;
    private final String prefix;
    private final Duration leaseDuration;
    private final Duration renewPeriod;
    private final Clock clock;
    private final ScheduledExecutorService renewer;
    private final Map<String, HeldLease> held = new ConcurrentHashMap<>();
    private final Map<String, Object> acquiring = new ConcurrentHashMap<>();

    private KubernetesLeaseLeaderLock(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        if (b.namespace == null || b.namespace.isBlank()) {
            throw new ConfigurationException("The Kubernetes lease lock needs a namespace (the pod's own, e.g. from "
                    + "the downward API)");
        }
        this.namespace = b.namespace;
        this.identity = b.identity;
        this.prefix = b.prefix;
        this.leaseDuration = b.leaseDuration;
        this.renewPeriod = b.renewPeriod == null ? leaseDuration.dividedBy(3) : b.renewPeriod;
        if (renewPeriod.compareTo(leaseDuration) >= 0) {
            throw new ConfigurationException("The renew period (" + renewPeriod + ") must be shorter than the lease "
                    + "duration (" + leaseDuration + ")");
        }
        this.clock = b.clock;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dr4j-lease-renewer");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "kubernetes-lease:" + namespace + "/" + identity;
    }

    public String identity() {
        return identity;
    }

    /** The Lease name used for {@code lockName}: prefix plus the name lower-cased, other characters as '-'. */
    public String leaseName(String lockName) {
        String n = (prefix + lockName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        n = n.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
        return n.length() > 253 ? n.substring(0, 253) : n;
    }

    /**
     * The time now at the precision the API server keeps ({@code MicroTime}: microseconds), so a holder never
     * counts on a renewal instant later than the one stored.
     */
    private ZonedDateTime now() {
        return ZonedDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public Optional<Lease> tryAcquire(String lockName) {
        Objects.requireNonNull(lockName, "lockName");
        // threads of this process take turns per lock: otherwise two of them could both see our own identity in the
        // Lease and both "take" it, each getting a lease
        synchronized (acquiring.computeIfAbsent(lockName, k -> new Object())) {
            HeldLease mine = held.get(lockName);
            if (mine != null && mine.isValid()) {
                return Optional.empty(); // held by this process already
            }
            if (mine != null) {
                mine.supersede(); // expired without renewal: it must never turn valid again beside a new lease
            }
            return acquire(lockName);
        }
    }

    private Optional<Lease> acquire(String lockName) {
        String leaseName = leaseName(lockName);
        ZonedDateTime now = now();
        try {
            io.fabric8.kubernetes.api.model.coordination.v1.Lease current = get(leaseName);
            if (current == null) {
                client.leases().inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata()
                        .withName(leaseName).withNamespace(namespace).endMetadata().withNewSpec()
                        .withHolderIdentity(identity).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                        .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec().build()).create();
            } else {
                var spec = current.getSpec();
                String holder = spec == null ? null : spec.getHolderIdentity();
                boolean free = holder == null || holder.isEmpty();
                ZonedDateTime expires = spec == null || spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null
                        ? null : spec.getRenewTime().plusSeconds(spec.getLeaseDurationSeconds());
                boolean expired = expires == null || expires.isBefore(now);
                if (!free && !expired && !identity.equals(holder)) {
                    log.debug("Lease {}/{} is held by {} until {}", namespace, leaseName, holder, expires);
                    return Optional.empty();
                }
                int transitions = (spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions())
                        + (identity.equals(holder) ? 0 : 1);
                // the update carries the resourceVersion read: a replica that changed it meanwhile makes this fail
                // with 409 Conflict (the API server's optimistic concurrency; without a resourceVersion an update
                // would overwrite unconditionally, so refuse one)
                requireResourceVersion(current, leaseName);
                client.leases().inNamespace(namespace).resource(new LeaseBuilder(current).editOrNewSpec()
                        .withHolderIdentity(identity).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                        .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(transitions).endSpec().build())
                        .update();
                if (!free && !identity.equals(holder)) {
                    log.info("Lease {}/{} of {} expired at {}: taking it over", namespace, leaseName, holder, expires);
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                log.debug("Lease {}/{} was taken by another replica at the same moment", namespace, leaseName);
                return Optional.empty();
            }
            throw new LeaderLockException("Could not take the Kubernetes Lease " + namespace + "/" + leaseName + ": "
                    + (e.getCode() == 403 ? "forbidden: grant the service account get/create/update on leases"
                    + " in " + namespace : e.getMessage()), e);
        }
        HeldLease lease = new HeldLease(lockName, leaseName, now);
        held.put(lockName, lease);
        lease.future = renewer.scheduleWithFixedDelay(lease::renew, renewPeriod.toMillis(), renewPeriod.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("Acquired Lease {}/{} as {}", namespace, leaseName, identity);
        return Optional.of(lease);
    }

    private void requireResourceVersion(io.fabric8.kubernetes.api.model.coordination.v1.Lease current, String leaseName) {
        if (current.getMetadata() == null || current.getMetadata().getResourceVersion() == null
                || current.getMetadata().getResourceVersion().isEmpty()) {
            throw new LeaderLockException("The Kubernetes API returned Lease " + namespace + "/" + leaseName
                    + " without a resourceVersion; a conditional update is impossible, so the lock is not taken", null);
        }
    }

    private io.fabric8.kubernetes.api.model.coordination.v1.@Nullable Lease get(String leaseName) {
        return client.leases().inNamespace(namespace).withName(leaseName).get();
    }

    /** Releases every held lease and stops renewing (the client is the caller's to close). */
    @Override
    public void close() {
        held.values().forEach(HeldLease::close);
        renewer.shutdownNow();
    }

    @Override
    public String toString() {
        return "KubernetesLeaseLeaderLock[" + namespace + ", " + identity + "]";
    }

    private final class HeldLease implements Lease {
        private final String lockName;
        private final String leaseName;
        private final ZonedDateTime acquiredAt;
        private volatile ZonedDateTime lastRenewed;
        private volatile boolean lost;
        private volatile boolean released;
        volatile @Nullable ScheduledFuture<?> future;

        HeldLease(String lockName, String leaseName, ZonedDateTime acquiredAt) {
            this.lockName = lockName;
            this.leaseName = leaseName;
            this.acquiredAt = acquiredAt;
            this.lastRenewed = acquiredAt;
        }

        @Override
        public String lockName() {
            return lockName;
        }

        @Override
        public boolean isValid() {
            return !released && !lost && lastRenewed.plus(leaseDuration).isAfter(ZonedDateTime.now(clock));
        }

        /** Replaced by a new acquisition in this process: invalid for good, renewals stopped. */
        synchronized void supersede() {
            lost = true;
            stop();
        }

        synchronized void renew() {
            if (released || lost) {
                return;
            }
            ZonedDateTime now = now();
            try {
                io.fabric8.kubernetes.api.model.coordination.v1.Lease current = get(leaseName);
                String holder = current == null || current.getSpec() == null ? null
                        : current.getSpec().getHolderIdentity();
                if (!identity.equals(holder)) {
                    lost = true;
                    log.warn("Lease {}/{} was taken over by {}: this replica is no longer the leader", namespace,
                            leaseName, current == null ? "nobody (deleted)" : holder);
                    stop();
                    return;
                }
                requireResourceVersion(current, leaseName);
                client.leases().inNamespace(namespace).resource(new LeaseBuilder(current).editSpec()
                        .withRenewTime(now).endSpec().build()).update();
                lastRenewed = now;
            } catch (RuntimeException e) {
                log.warn("Could not renew Lease {}/{} ({}); valid until {}", namespace, leaseName, e.getMessage(),
                        lastRenewed.plus(leaseDuration));
            }
        }

        private void stop() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            held.remove(lockName, this);
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            stop();
            if (lost) {
                return;
            }
            try {
                io.fabric8.kubernetes.api.model.coordination.v1.Lease current = get(leaseName);
                if (current != null && current.getSpec() != null
                        && identity.equals(current.getSpec().getHolderIdentity())) {
                    // an empty holder frees the lease at once (as client-go's ReleaseOnCancel does)
                    client.leases().inNamespace(namespace).resource(new LeaseBuilder(current).editSpec()
                            .withHolderIdentity("").withRenewTime(now()).endSpec().build()).update();
                    log.info("Released Lease {}/{}", namespace, leaseName);
                }
            } catch (RuntimeException e) {
                log.warn("Could not release Lease {}/{} ({}); it expires by itself after {}", namespace, leaseName,
                        e.getMessage(), leaseDuration);
            }
        }
    }

    /** Builds a {@link KubernetesLeaseLeaderLock}. */
    public static final class Builder {
        private @Nullable KubernetesClient client;
        private @Nullable String namespace;
        private String identity = defaultIdentity();
        private String prefix = "dr4j-";
        private Duration leaseDuration = Duration.ofSeconds(15);
        private @Nullable Duration renewPeriod;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        private static String defaultIdentity() {
            String host = System.getenv("HOSTNAME"); // the pod name in Kubernetes
            return host != null && !host.isBlank() ? host : "dr4j-" + UUID.randomUUID();
        }

        public Builder client(KubernetesClient client) {
            this.client = client;
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** This replica's identity in {@code holderIdentity}; the pod name ({@code HOSTNAME}) by default. */
        public Builder identity(String identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** Prefix of Lease names (default {@code dr4j-}). */
        public Builder leaseNamePrefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** How long a lease lasts without renewal (default 15 s, whole seconds). */
        public Builder leaseDuration(Duration d) {
            if (d.toSeconds() < 1) {
                throw new ConfigurationException("The lease duration must be at least 1 s, was " + d);
            }
            this.leaseDuration = Duration.ofSeconds(d.toSeconds());
            return this;
        }

        /** How often a held lease is renewed (default a third of the duration). */
        public Builder renewPeriod(Duration d) {
            this.renewPeriod = Objects.requireNonNull(d, "renewPeriod");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public KubernetesLeaseLeaderLock build() {
            return new KubernetesLeaseLeaderLock(this);
        }
    }
}
