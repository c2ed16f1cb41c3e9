package io.dr4j.deploy.k8s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A SIMULATION of the kube-controller-manager's Deployment and StatefulSet controllers, for tests against fabric8's
 * CRUD mock server (which stores objects but runs no controllers). It is deliberately small and independent of the
 * production code (its own template comparison) and reproduces only what dr4j observes:
 * <ul>
 *   <li>Deployment: on a template change it creates a ReplicaSet named {@code <deployment>-<hash>} with the
 *       {@code pod-template-hash} label, a controller owner reference, the Deployment's annotations (minus the
 *       controller's own) and {@code deployment.kubernetes.io/revision = max + 1}; when the template equals an
 *       existing ReplicaSet's (a rollback) it reuses that ReplicaSet and bumps its revision to max + 1, recording the
 *       old one in {@code revision-history}, like the real controller. It mirrors the revision onto the Deployment,
 *       scales old ReplicaSets to zero, replaces pods and writes status (observedGeneration, replicas, updated,
 *       ready, available, conditions). A rollout takes a few ticks; images marked bad never become ready and end
 *       with {@code Progressing=False, reason=ProgressDeadlineExceeded}. Paused Deployments are not rolled out.</li>
 *   <li>StatefulSet: ControllerRevisions with data {@code {"spec":{"template":{...,"$patch":"replace"}}}}, revision
 *       numbers (an equal older revision is reused and bumped), status currentRevision/updateRevision; bad images
 *       never finish the rolling update.</li>
 * </ul>
 */
final class ControllerSimulation implements AutoCloseable {
    private static final Set<String> SKIP = DeploymentWorkload.ANNOTATIONS_TO_SKIP;
    private static final String REVISION = "deployment.kubernetes.io/revision";

    private final KubernetesClient client;
    private final KubernetesSerialization json;
    private final Set<String> badImages = ConcurrentHashMap.newKeySet();
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ScheduledExecutorService exec;
    private volatile boolean closed;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControllerSimulation.class);

    private record Progress(long generation, int ticks) {
    }

    ControllerSimulation(KubernetesClient client) {
        this.client = client;
        this.json = client.getKubernetesSerialization();
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "controller-simulation");
            t.setDaemon(true);
            return t;
        });
        exec.scheduleWithFixedDelay(this::tick, 0, 40, TimeUnit.MILLISECONDS);
    }

    /** Pods with this image never become ready. */
    void markBad(String image) {
        badImages.add(image);
    }

    /** A bug in the simulation itself (not a conflict): tests assert there was none. */
    Throwable failure() {
        return failure.get();
    }

    private void fail(RuntimeException e) {
        log.error("controller simulation failed", e);
        failure.compareAndSet(null, e);
    }

    @Override
    public void close() {
        closed = true;
        exec.shutdown();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                reconcile(d);
            }
            for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
                reconcile(s);
            }
        } catch (KubernetesClientException e) {
            if (!closed && e.getCode() != 409 && e.getCode() != 404 && e.getCode() != 403) {
                fail(e);
            }
        } catch (RuntimeException e) {
            if (!closed) {
                fail(e);
            }
        }
    }

    // ---------------------------------------------------------------- Deployment controller

    private void reconcile(Deployment d) {
        String ns = d.getMetadata().getNamespace();
        long gen = d.getMetadata().getGeneration();
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        Progress p = progress.merge(d.getMetadata().getUid(), new Progress(gen, 0),
                (old, n) -> old.generation() == gen ? new Progress(gen, old.ticks() + 1) : n);
        if (p.ticks() > 8) {
            return; // settled for this generation
        }
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            writeStatus(d, new DeploymentStatusBuilder(d.getStatus() == null ? new DeploymentStatusBuilder().build()
                    : d.getStatus()).withObservedGeneration(gen).build());
            return;
        }
        PodTemplateSpec tpl = d.getSpec().getTemplate();
        List<ReplicaSet> owned = new ArrayList<>();
        for (ReplicaSet rs : client.apps().replicaSets().inNamespace(ns).list().getItems()) {
            if (owns(d, rs)) {
                owned.add(rs);
            }
        }
        ReplicaSet newRs = null;
        long maxOld = 0;
        for (ReplicaSet rs : owned) {
            if (sameTemplate(rs.getSpec().getTemplate(), tpl)) {
                newRs = rs;
            } else {
                maxOld = Math.max(maxOld, revision(rs));
            }
        }
        Map<String, String> copied = new LinkedHashMap<>();
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!SKIP.contains(k)) {
                    copied.put(k, v);
                }
            });
        }
        if (newRs == null) {
            String hash = hash(tpl);
            PodTemplateSpec rsTpl = json.clone(tpl);
            rsTpl.getMetadata().getLabels().put("pod-template-hash", hash);
            copied.put(REVISION, Long.toString(maxOld + 1));
            copied.put("deployment.kubernetes.io/desired-replicas", Integer.toString(want));
            newRs = client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
                    .withNewMetadata().withName(d.getMetadata().getName() + "-" + hash).withNamespace(ns)
                    .withLabels(rsTpl.getMetadata().getLabels()).withAnnotations(copied)
                    .withOwnerReferences(owner("Deployment", d)).endMetadata()
                    .withNewSpec().withReplicas(want).withNewSelector()
                    .withMatchLabels(new HashMap<>(d.getSpec().getSelector().getMatchLabels()))
                    .addToMatchLabels("pod-template-hash", hash).endSelector().withTemplate(rsTpl).endSpec()
                    .build()).create();
        } else if (revision(newRs) <= maxOld || !sameAnnotations(newRs, copied)) {
            Map<String, Object> ann = new LinkedHashMap<>(copied);
            if (revision(newRs) <= maxOld) {
                String hist = annotation(newRs, "deployment.kubernetes.io/revision-history");
                String old = Long.toString(revision(newRs));
                ann.put("deployment.kubernetes.io/revision-history", hist == null ? old : hist + "," + old);
                ann.put(REVISION, Long.toString(maxOld + 1));
            }
            newRs = client.apps().replicaSets().inNamespace(ns).withName(newRs.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            json.asJson(Map.of("metadata", Map.of("annotations", ann))));
        }
        String rev = annotation(newRs, REVISION);
        if (!rev.equals(annotation(d, REVISION))) {
            client.apps().deployments().inNamespace(ns).withName(d.getMetadata().getName()).patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    json.asJson(Map.of("metadata", Map.of("annotations", Map.of(REVISION, rev)))));
        }
        boolean bad = Templates.containers(tpl).stream().anyMatch(c -> badImages.contains(c.getImage()));
        int oldAvailable = 0;
        for (ReplicaSet rs : owned) {
            if (rs != newRs && !rs.getMetadata().getName().equals(newRs.getMetadata().getName())) {
                oldAvailable += rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
                        : rs.getStatus().getAvailableReplicas();
            }
        }
        DeploymentStatusBuilder st = new DeploymentStatusBuilder().withObservedGeneration(gen);
        if (p.ticks() < 2) {
            // rollout started: new ReplicaSet exists, nothing updated yet
            st.withReplicas(oldAvailable).withUpdatedReplicas(0).withAvailableReplicas(oldAvailable)
                    .addNewCondition().withType("Progressing").withStatus("True").withReason("ReplicaSetUpdated")
                    .withMessage("ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing.").endCondition();
        } else if (bad) {
            scaleRs(newRs, want, 0);
            pods(newRs, want, false);
            st.withReplicas(oldAvailable + want).withUpdatedReplicas(want).withAvailableReplicas(oldAvailable)
                    .withReadyReplicas(oldAvailable).withUnavailableReplicas(want);
            if (p.ticks() >= 4) {
                st.addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                        .withMessage("ReplicaSet \"" + newRs.getMetadata().getName() + "\" has timed out progressing.")
                        .endCondition();
            }
        } else {
            scaleRs(newRs, want, want);
            pods(newRs, want, true);
            for (ReplicaSet rs : owned) {
                if (!rs.getMetadata().getName().equals(newRs.getMetadata().getName())) {
                    scaleRs(rs, 0, 0);
                    pods(rs, 0, true);
                }
            }
            st.withReplicas(want).withUpdatedReplicas(want).withReadyReplicas(want).withAvailableReplicas(want)
                    .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable")
                    .endCondition()
                    .addNewCondition().withType("Progressing").withStatus("True").withReason("NewReplicaSetAvailable")
                    .withMessage("ReplicaSet \"" + newRs.getMetadata().getName() + "\" has successfully progressed.")
                    .endCondition();
        }
        writeStatus(d, st.build());
    }

    private static boolean sameAnnotations(HasMetadata o, Map<String, String> wanted) {
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(annotation(o, e.getKey())));
    }

    private void writeStatus(Deployment d, io.fabric8.kubernetes.api.model.apps.DeploymentStatus status) {
        Deployment fresh = client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
                .withName(d.getMetadata().getName()).get();
        if (fresh == null || !fresh.getMetadata().getGeneration().equals(status.getObservedGeneration())) {
            return; // changed meanwhile: the next tick handles the new generation
        }
        fresh.setStatus(status);
        client.apps().deployments().inNamespace(fresh.getMetadata().getNamespace()).resource(fresh).updateStatus();
    }

    private void scaleRs(ReplicaSet rs, int replicas, int available) {
        ReplicaSet fresh = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                        json.asJson(Map.of("spec", Map.of("replicas", replicas))));
        fresh.setStatus(new ReplicaSetStatusBuilder().withReplicas(replicas).withReadyReplicas(available)
                .withAvailableReplicas(available).withObservedGeneration(fresh.getMetadata().getGeneration()).build());
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(fresh).updateStatus();
    }

    // ---------------------------------------------------------------- StatefulSet controller

    private void reconcile(StatefulSet s) {
        String ns = s.getMetadata().getNamespace();
        long gen = s.getMetadata().getGeneration();
        int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        PodTemplateSpec tpl = s.getSpec().getTemplate();
        List<ControllerRevision> owned = new ArrayList<>();
        for (ControllerRevision cr : client.apps().controllerRevisions().inNamespace(ns).list().getItems()) {
            if (owns(s, cr)) {
                owned.add(cr);
            }
        }
        ControllerRevision update = null;
        long max = 0;
        for (ControllerRevision cr : owned) {
            max = Math.max(max, cr.getRevision());
            if (sameTemplate(dataTemplate(cr), tpl)) {
                update = cr;
            }
        }
        if (update == null) {
            Map<String, Object> tplTree = new LinkedHashMap<>(json.convertValue(tpl, Map.class));
            tplTree.put("$patch", "replace");
            String hash = hash(tpl);
            Map<String, String> labels = new LinkedHashMap<>(tpl.getMetadata().getLabels());
            labels.put("controller.kubernetes.io/hash", hash);
            update = client.apps().controllerRevisions().inNamespace(ns).resource(new ControllerRevisionBuilder()
                    .withNewMetadata().withName(s.getMetadata().getName() + "-" + hash).withNamespace(ns)
                    .withLabels(labels).withAnnotations(s.getMetadata().getAnnotations())
                    .withOwnerReferences(owner("StatefulSet", s)).endMetadata()
                    .withData(Map.of("spec", Map.of("template", tplTree))).withRevision(max + 1).build()).create();
        } else if (update.getRevision() < max) {
            update = client.apps().controllerRevisions().inNamespace(ns).withName(update.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), json.asJson(Map.of("revision", max + 1)));
        }
        String updateName = update.getMetadata().getName();
        // pods <name>-<ordinal>; RollingUpdate in reverse ordinal order, one pod per tick, and - like the real
        // controller - it waits for every pod to be Ready first: a pod that never became Ready blocks it for good
        Map<Integer, Pod> pods = new HashMap<>();
        for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
            if (owns(s, pod) && pod.getMetadata().getDeletionTimestamp() == null) {
                String n = pod.getMetadata().getName();
                pods.put(Integer.parseInt(n.substring(n.lastIndexOf('-') + 1)), pod);
            }
        }
        boolean changed = false;
        for (int i = 0; i < want && !changed; i++) {
            if (!pods.containsKey(i)) {
                pods.put(i, stsPod(s, i, updateName, !isBad(tpl)));
                changed = true;
            }
        }
        boolean allReady = pods.values().stream().allMatch(ControllerSimulation::ready);
        if (!changed && allReady) {
            for (int i = want - 1; i >= 0; i--) {
                Pod pod = pods.get(i);
                if (!updateName.equals(pod.getMetadata().getLabels().get("controller-revision-hash"))) {
                    client.pods().inNamespace(ns).resource(pod).delete();
                    pods.put(i, stsPod(s, i, updateName, !isBad(tpl)));
                    break;
                }
            }
        }
        int ready = (int) pods.values().stream().filter(ControllerSimulation::ready).count();
        int updated = (int) pods.values().stream()
                .filter(pod -> updateName.equals(pod.getMetadata().getLabels().get("controller-revision-hash"))).count();
        String current = s.getStatus() == null || s.getStatus().getCurrentRevision() == null
                ? updateName : s.getStatus().getCurrentRevision();
        if (updated == want && ready == want) {
            current = updateName;
        }
        StatefulSetStatusBuilder st = new StatefulSetStatusBuilder().withObservedGeneration(gen).withReplicas(want)
                .withUpdateRevision(updateName).withCurrentRevision(current).withReadyReplicas(ready)
                .withAvailableReplicas(ready).withUpdatedReplicas(updated).withCurrentReplicas(want - updated);
        StatefulSet fresh = client.apps().statefulSets().inNamespace(ns).withName(s.getMetadata().getName()).get();
        if (fresh != null && fresh.getMetadata().getGeneration() == gen && !st.build().equals(fresh.getStatus())) {
            fresh.setStatus(st.build());
            client.apps().statefulSets().inNamespace(ns).resource(fresh).updateStatus();
        }
    }

    private Pod stsPod(StatefulSet s, int ordinal, String revisionName, boolean ready) {
        String ns = s.getMetadata().getNamespace();
        ControllerRevision cr = client.apps().controllerRevisions().inNamespace(ns).withName(revisionName).get();
        PodTemplateSpec t = dataTemplate(cr);
        Map<String, String> labels = new LinkedHashMap<>(t.getMetadata().getLabels());
        labels.put("controller-revision-hash", revisionName);
        labels.put("statefulset.kubernetes.io/pod-name", s.getMetadata().getName() + "-" + ordinal);
        return client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                .withName(s.getMetadata().getName() + "-" + ordinal).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(owner("StatefulSet", s)).endMetadata().withSpec(t.getSpec())
                .withNewStatus().withPhase(ready ? "Running" : "Pending").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build()).create();
    }

    private boolean isBad(PodTemplateSpec t) {
        return Templates.containers(t).stream().anyMatch(c -> badImages.contains(c.getImage()));
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private PodTemplateSpec dataTemplate(ControllerRevision cr) {
        Map<?, ?> data = json.convertValue(cr.getData(), Map.class);
        Map<Object, Object> t = new LinkedHashMap<>((Map<?, ?>) ((Map<?, ?>) data.get("spec")).get("template"));
        t.remove("$patch");
        return json.convertValue(t, PodTemplateSpec.class);
    }

    // ---------------------------------------------------------------- pods and helpers

    private void pods(ReplicaSet rs, int count, boolean ready) {
        String ns = rs.getMetadata().getNamespace();
        for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
            if (owns(rs, pod) && Integer.parseInt(pod.getMetadata().getName()
                    .substring(pod.getMetadata().getName().lastIndexOf('-') + 1)) >= count) {
                client.pods().inNamespace(ns).resource(pod).delete();
            }
        }
        for (int i = 0; i < count; i++) {
            String name = rs.getMetadata().getName() + "-" + i;
            if (client.pods().inNamespace(ns).withName(name).get() != null) {
                continue;
            }
            client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
                    .withOwnerReferences(owner("ReplicaSet", rs)).endMetadata()
                    .withSpec(rs.getSpec().getTemplate().getSpec())
                    .withNewStatus().withPhase(ready ? "Running" : "Pending").addNewCondition().withType("Ready")
                    .withStatus(ready ? "True" : "False").withReason(ready ? null : "ContainersNotReady").endCondition()
                    .endStatus().build()).create();
        }
    }

    private boolean sameTemplate(PodTemplateSpec a, PodTemplateSpec b) {
        return strip(a).equals(strip(b));
    }

    private PodTemplateSpec strip(PodTemplateSpec t) {
        PodTemplateSpec c = json.clone(t);
        if (c.getMetadata() != null && c.getMetadata().getLabels() != null) {
            c.getMetadata().getLabels().remove("pod-template-hash");
        }
        return c;
    }

    private String hash(PodTemplateSpec t) {
        return Integer.toHexString(json.asJson(strip(t)).hashCode() & 0x7fffffff);
    }

    private static boolean owns(HasMetadata owner, HasMetadata child) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> owner.getMetadata().getUid().equals(r.getUid()));
    }

    private static OwnerReference owner(String kind, HasMetadata o) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(kind).withName(o.getMetadata().getName())
                .withUid(o.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
    }

    private static long revision(HasMetadata rs) {
        String v = annotation(rs, REVISION);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static String annotation(HasMetadata o, String key) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }
}
