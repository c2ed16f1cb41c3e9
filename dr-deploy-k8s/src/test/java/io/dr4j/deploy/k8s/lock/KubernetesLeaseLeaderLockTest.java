package io.dr4j.deploy.k8s.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import io.dr4j.core.schedule.LeaderLock;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

import org.junit.jupiter.api.Test;

/** Two replicas competing for Leases on the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaseLeaderLockTest {
    static KubernetesClient client;

    private KubernetesLeaseLeaderLock replica(String id) {
        return KubernetesLeaseLeaderLock.builder().client(client).namespace("prod").identity(id)
                .leaseDuration(Duration.ofSeconds(3)).renewPeriod(Duration.ofMillis(300)).build();
    }

    private Lease lease(String name) {
        return client.leases().inNamespace("prod").withName(name).get();
    }

    @Test
    void oneReplicaHoldsTheLeaseAndReleasingItHandsItOver() {
        try (KubernetesLeaseLeaderLock a = replica("pod-a"); KubernetesLeaseLeaderLock b = replica("pod-b")) {
            Optional<LeaderLock.Lease> la = a.tryAcquire("full-backup");
            assertThat(la).isPresent();
            assertThat(b.tryAcquire("full-backup")).isEmpty();
            assertThat(a.tryAcquire("full-backup")).as("no second lease within one process").isEmpty();
            Lease l = lease("dr4j-full-backup");
            assertThat(l.getSpec().getHolderIdentity()).isEqualTo("pod-a");
            assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
            assertThat(l.getSpec().getLeaseTransitions()).isZero();

            la.get().close();
            assertThat(la.get().isValid()).isFalse();
            assertThat(lease("dr4j-full-backup").getSpec().getHolderIdentity()).isEmpty();
            Optional<LeaderLock.Lease> lb = b.tryAcquire("full-backup");
            assertThat(lb).as("a released lease is free at once").isPresent();
            assertThat(lease("dr4j-full-backup").getSpec().getHolderIdentity()).isEqualTo("pod-b");
            assertThat(lease("dr4j-full-backup").getSpec().getLeaseTransitions()).isEqualTo(1);
            lb.get().close();
        }
    }

    @Test
    void aHeldLeaseIsRenewedBeyondItsDuration() throws Exception {
        try (KubernetesLeaseLeaderLock a = replica("pod-a"); KubernetesLeaseLeaderLock b = replica("pod-b")) {
            LeaderLock.Lease la = a.tryAcquire("nightly").orElseThrow();
            ZonedDateTime firstRenew = lease("dr4j-nightly").getSpec().getRenewTime();
            Thread.sleep(4000); // longer than the 3 s lease
            assertThat(la.isValid()).isTrue();
            assertThat(lease("dr4j-nightly").getSpec().getRenewTime()).isAfter(firstRenew);
            assertThat(b.tryAcquire("nightly")).isEmpty();
            la.close();
        }
    }

    @Test
    void anExpiredLeaseOfADeadReplicaIsTakenOver() {
        client.leases().inNamespace("prod").resource(new LeaseBuilder().withNewMetadata().withName("dr4j-expired")
                .withNamespace("prod").endMetadata().withNewSpec().withHolderIdentity("pod-dead")
                .withLeaseDurationSeconds(15).withAcquireTime(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(5))
                .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(1)).withLeaseTransitions(3).endSpec()
                .build()).create();
        try (KubernetesLeaseLeaderLock b = replica("pod-b")) {
            Optional<LeaderLock.Lease> lb = b.tryAcquire("expired");
            assertThat(lb).isPresent();
            assertThat(lease("dr4j-expired").getSpec().getHolderIdentity()).isEqualTo("pod-b");
            assertThat(lease("dr4j-expired").getSpec().getLeaseTransitions()).isEqualTo(4);
            lb.get().close();
        }
    }

    @Test
    void aLiveLeaseOfAnotherHolderIsRespected() {
        client.leases().inNamespace("prod").resource(new LeaseBuilder().withNewMetadata().withName("dr4j-live")
                .withNamespace("prod").endMetadata().withNewSpec().withHolderIdentity("pod-c")
                .withLeaseDurationSeconds(60).withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build())
                .create();
        try (KubernetesLeaseLeaderLock b = replica("pod-b")) {
            assertThat(b.tryAcquire("live")).isEmpty();
        }
    }

    @Test
    void aLeaseTakenOverBehindOurBackIsNoLongerValid() throws Exception {
        try (KubernetesLeaseLeaderLock a = replica("pod-a")) {
            LeaderLock.Lease la = a.tryAcquire("stolen").orElseThrow();
            Lease l = lease("dr4j-stolen");
            l.getSpec().setHolderIdentity("pod-z");
            l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            client.leases().inNamespace("prod").resource(l).update();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (la.isValid() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(la.isValid()).isFalse();
            la.close();
            assertThat(lease("dr4j-stolen").getSpec().getHolderIdentity()).as("not released by the loser")
                    .isEqualTo("pod-z");
        }
    }

    @Test
    void lockNamesBecomeValidLeaseNames() {
        try (KubernetesLeaseLeaderLock a = replica("pod-a")) {
            assertThat(a.leaseName("Full_Backup")).isEqualTo("dr4j-full-backup");
            assertThat(a.name()).isEqualTo("kubernetes-lease:prod/pod-a");
        }
    }
}
