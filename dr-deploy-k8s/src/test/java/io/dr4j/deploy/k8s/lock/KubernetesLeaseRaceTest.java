package io.dr4j.deploy.k8s.lock;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.dr4j.core.schedule.LeaderLock;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import org.junit.jupiter.api.Test;

/**
 * Replicas racing for one Lease on the fabric8 mock API server in CRUD mode, many rounds, several threads per
 * replica. Time comes from a clock the test moves, so a lease expires exactly when the test says; renewals run on
 * the locks' own threads in real time.
 *
 * <p>The lock's safety rests on what the API server enforces: create fails with 409 when the Lease exists, and an
 * update carrying a stale {@code resourceVersion} fails with 409. {@link #theMockServerEnforcesOptimisticConcurrency}
 * checks that this mock does both (fabric8 7.x/8.x's {@code KubernetesCrudDispatcher} validates the
 * {@code resourceVersion} of a PUT under a write lock; an update without one would be applied unconditionally, so
 * the lock never sends one).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaseRaceTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String LOCK = "race";
    private static final Duration DURATION = Duration.ofSeconds(10);


    /** One replica: its own HTTP client (so the test can cut it off) and lock. */
    record Replica(String id, KubernetesClient client, KubernetesLeaseLeaderLock lock) {
    }

    /** A lease handed out, and by whom. */
    record Held(String replica, int round, LeaderLock.Lease lease) {
    }

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T02:00:00Z"));

    private Replica replica(String id) {
        KubernetesClient c = server.createClient();
        return new Replica(id, c, KubernetesLeaseLeaderLock.builder().client(c).namespace("prod").identity(id)
                .clock(clock).leaseDuration(DURATION).renewPeriod(Duration.ofMillis(40)).build());
    }

    private static Lease lease() {
        return client.leases().inNamespace("prod").withName("dr4j-" + LOCK).get();
    }

    @Test
    void theMockServerEnforcesOptimisticConcurrency() {
        Lease created = client.leases().inNamespace("prod").resource(new LeaseBuilder().withNewMetadata()
                .withName("occ").withNamespace("prod").endMetadata().withNewSpec().withHolderIdentity("a").endSpec()
                .build()).create();
        String v1 = created.getMetadata().getResourceVersion();
        assertThat(v1).isNotBlank();
        assertThatThrownBy(() -> client.leases().inNamespace("prod").resource(new LeaseBuilder().withNewMetadata()
                .withName("occ").withNamespace("prod").endMetadata().build()).create())
                .as("create of an existing Lease").isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
        Lease updated = client.leases().inNamespace("prod").resource(new LeaseBuilder(created).editSpec()
                .withHolderIdentity("b").endSpec().build()).update();
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(v1);
        assertThatThrownBy(() -> client.leases().inNamespace("prod").resource(new LeaseBuilder(created).editSpec()
                .withHolderIdentity("c").endSpec().build()).update())
                .as("update with the stale resourceVersion %s", v1)
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(client.leases().inNamespace("prod").withName("occ").get().getSpec().getHolderIdentity())
                .isEqualTo("b");
    }

    @Test
    void atMostOneHolderAcrossRacingReplicasWithReleasesTakeoversAndExpiry() throws Exception {
        List<Held> handedOut = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Replica> replicas = new ArrayList<>(List.of(replica("pod-a"), replica("pod-b")));
        List<Replica> all = new ArrayList<>(replicas);
        int threadsPerReplica = 3;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerReplica);
        AtomicInteger generation = new AtomicInteger();
        int releases = 0;
        int takeoversAfterPartition = 0;
        int expiryRacesWonByHolder = 0;
        int expiryRacesWonByContender = 0;
        try {
            for (int round = 0; round < 40; round++) {
                int r = round;
                // every earlier lease is over before the race starts
                for (Held h : handedOut) {
                    assertThat(h.lease().isValid()).as("lease of %s from round %d", h.replica(), h.round()).isFalse();
                }
                List<Held> won = race(replicas, threadsPerReplica, pool, r, handedOut, violations);
                assertThat(violations).isEmpty();
                assertThat(won).as("round %d: exactly one of %d racing threads wins", r, 2 * threadsPerReplica)
                        .hasSize(1);
                Held winner = won.get(0);
                assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(winner.replica());

                // while it holds, nobody else gets it, also after renewals
                Thread.sleep(60);
                assertThat(race(replicas, 1, pool, r, handedOut, violations)).isEmpty();
                assertThat(winner.lease().isValid()).isTrue();

                Replica holder = replicas.stream().filter(x -> x.id().equals(winner.replica())).findFirst().orElseThrow();
                if (r % 5 == 4) {
                    // the holder is cut off (crash, network partition): it cannot renew or release; once the lease
                    // has run out it is no longer valid there, and a new replica takes over in the next round
                    holder.client().close();
                    replicas.remove(holder);
                    Replica fresh = replica("pod-" + generation.incrementAndGet());
                    replicas.add(fresh);
                    all.add(fresh);
                    clock.advance(DURATION.minusSeconds(1));
                    assertThat(race(List.of(fresh), threadsPerReplica, pool, r, handedOut, violations))
                            .as("not yet expired").isEmpty();
                    clock.advance(Duration.ofSeconds(2));
                    assertThat(winner.lease().isValid()).as("an unrenewed lease ends with its duration").isFalse();
                    takeoversAfterPartition++;
                } else if (r % 7 == 6) {
                    // expiry race: time jumps past the lease while the holder is alive and renewing, and the other
                    // replica races it; resourceVersions decide, never both
                    Replica other = replicas.stream().filter(x -> x != holder).findFirst().orElseThrow();
                    clock.advance(DURATION.plusSeconds(1));
                    List<Held> contenders = race(List.of(other), threadsPerReplica, pool, r, handedOut, violations);
                    assertThat(contenders).hasSizeLessThanOrEqualTo(1);
                    Thread.sleep(200); // a few renewals: the loser notices
                    long valid = handedOut.stream().filter(h -> h.lease().isValid()).count();
                    assertThat(valid).as("valid leases after the expiry race").isLessThanOrEqualTo(1);
                    if (contenders.isEmpty()) {
                        assertThat(winner.lease().isValid()).as("the holder renewed first").isTrue();
                        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(holder.id());
                        expiryRacesWonByHolder++;
                    } else {
                        assertThat(winner.lease().isValid()).as("the holder lost the lease").isFalse();
                        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(other.id());
                        expiryRacesWonByContender++;
                    }
                    handedOut.stream().filter(h -> h.lease().isValid()).forEach(h -> h.lease().close());
                    assertThat(lease().getSpec().getHolderIdentity()).isEmpty();
                } else {
                    winner.lease().close();
                    assertThat(winner.lease().isValid()).isFalse();
                    assertThat(lease().getSpec().getHolderIdentity()).as("released: free at once").isEmpty();
                    releases++;
                }
                assertThat(violations).isEmpty();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            for (Replica x : all) {
                x.lock().close();
                x.client().close();
            }
        }
        System.out.printf("Lease race: %d leases in 40 rounds; %d releases, %d takeovers after a partition, expiry races "
                        + "won by the holder %d / by the contender %d; transitions %d%n", handedOut.size(), releases,
                takeoversAfterPartition, expiryRacesWonByHolder, expiryRacesWonByContender,
                lease().getSpec().getLeaseTransitions());
        assertThat(handedOut).hasSize(40 + expiryRacesWonByContender);
        assertThat(takeoversAfterPartition).isEqualTo(8);
    }

    /**
     * {@code threadsPerReplica} threads per replica call {@code tryAcquire} at the same moment. A thread that gets a
     * lease registers it, then counts the valid leases: during a race leases only get added, so a count above one
     * means two holders at once.
     */
    private static List<Held> race(List<Replica> replicas, int threadsPerReplica, ExecutorService pool, int round,
                                   List<Held> handedOut, List<String> violations) throws Exception {
        int n = replicas.size() * threadsPerReplica;
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<Optional<Held>>> futures = new ArrayList<>();
        for (Replica r : replicas) {
            for (int i = 0; i < threadsPerReplica; i++) {
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    Optional<LeaderLock.Lease> l = r.lock().tryAcquire(LOCK);
                    if (l.isEmpty()) {
                        return Optional.<Held>empty();
                    }
                    Held h = new Held(r.id(), round, l.get());
                    handedOut.add(h);
                    List<String> valid = handedOut.stream().filter(x -> x.lease().isValid())
                            .map(x -> x.replica() + "@" + x.round()).toList();
                    if (valid.size() > 1) {
                        violations.add("round " + round + ": " + valid + " valid at once");
                    }
                    return Optional.of(h);
                }));
            }
        }
        List<Held> won = new ArrayList<>();
        for (Future<Optional<Held>> f : futures) {
            f.get(30, TimeUnit.SECONDS).ifPresent(won::add);
        }
        return won;
    }
}
