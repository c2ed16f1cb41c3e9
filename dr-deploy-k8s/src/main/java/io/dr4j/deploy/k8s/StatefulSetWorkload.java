package io.dr4j.deploy.k8s;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.Revision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A StatefulSet: history from the ControllerRevisions it owns. Each revision's {@code data} is the patch
 * {@code {"spec":{"template":{...,"$patch":"replace"}}}} the StatefulSet controller recorded; rollback writes that
 * template back into {@code spec.template}, as {@code kubectl rollout undo statefulset/...} does.
 */
final class StatefulSetWorkload extends Workload {
    private static final String RESOURCE = "statefulsets.apps";
    private static final String REVISION_HASH_LABEL = "controller-revision-hash";
    private static final Logger log = LoggerFactory.getLogger(StatefulSetWorkload.class);

    private final StatefulSet set;

    private StatefulSetWorkload(KubeApi api, WorkloadRef ref, StatefulSet set) {
        super(api, ref);
        this.set = set;
    }

    static Optional<StatefulSetWorkload> fetch(KubeApi api, WorkloadRef ref) {
        StatefulSet s = api.call("get", RESOURCE, ref.namespace(),
                () -> api.client().apps().statefulSets().inNamespace(ref.namespace()).withName(ref.name()).get());
        return Optional.ofNullable(s).map(x -> new StatefulSetWorkload(api, ref, x));
    }

    @Override
    String kindText() {
        return "StatefulSet";
    }

    @Override
    String resource() {
        return RESOURCE;
    }

    @Override
    HasMetadata object() {
        return set;
    }

    @Override
    PodTemplateSpec template() {
        return set.getSpec().getTemplate();
    }

    @Override
    boolean paused() {
        return false; // StatefulSets cannot be paused
    }

    @Override
    Workload reload() {
        return fetch(api, ref).orElseThrow(() -> api.notFound(ref, "StatefulSet"));
    }

    /** ControllerRevisions controlled by this StatefulSet (owner uid), by revision number ascending. */
    List<ControllerRevision> ownedRevisions() {
        var selector = set.getSpec().getSelector();
        List<ControllerRevision> all = api.call("list", "controllerrevisions.apps", ref.namespace(), () -> {
            var op = api.client().apps().controllerRevisions().inNamespace(ref.namespace());
            return (selector == null ? op.list() : op.withLabelSelector(selector).list()).getItems();
        });
        List<ControllerRevision> owned = new ArrayList<>();
        for (ControllerRevision cr : all) {
            if (ownedBy(cr)) {
                owned.add(cr);
            }
        }
        owned.sort(Comparator.comparingLong(StatefulSetWorkload::revisionOf));
        return owned;
    }

    private static long revisionOf(ControllerRevision cr) {
        return cr.getRevision() == null ? 0 : cr.getRevision();
    }

    /** The pod template a revision's data restores. */
    PodTemplateSpec templateOf(ControllerRevision cr) {
        Object data = cr.getData();
        if (data instanceof String s) {
            data = json.unmarshal(s, Map.class);
        }
        Map<?, ?> tree = data == null ? Map.of() : json.convertValue(data, Map.class);
        Object spec = tree.get("spec");
        Object template = spec instanceof Map<?, ?> m ? m.get("template") : null;
        if (!(template instanceof Map<?, ?> t)) {
            throw new DeploymentException("ControllerRevision " + cr.getMetadata().getName() + " of StatefulSet " + ref
                    + " holds no spec.template; it cannot be restored");
        }
        Map<Object, Object> copy = new LinkedHashMap<>(t);
        copy.remove("$patch");
        return json.convertValue(copy, PodTemplateSpec.class);
    }

    @Override
    List<Revision> history() {
        List<ControllerRevision> owned = ownedRevisions();
        String updateRevision = set.getStatus() == null ? null : set.getStatus().getUpdateRevision();
        ControllerRevision current = null;
        for (ControllerRevision cr : owned) {
            if (updateRevision != null ? cr.getMetadata().getName().equals(updateRevision)
                    : Templates.equalIgnoreHash(json, templateOf(cr), template())) {
                current = cr;
            }
        }
        List<Revision> out = new ArrayList<>();
        for (ControllerRevision cr : owned) {
            Map<String, String> ann = cr.getMetadata().getAnnotations();
            out.add(new Revision(revisionOf(cr), Templates.images(templateOf(cr)), created(cr),
                    ann == null ? null : ann.get(CHANGE_CAUSE), cr == current,
                    Map.of("kind", "ControllerRevision", "controllerRevision", cr.getMetadata().getName())));
        }
        return out;
    }

    /** kubectl's StatefulSetRollbacker: needs two revisions for "previous"; an exact one must exist. */
    @Override
    Target target(long toRevision) {
        List<ControllerRevision> owned = ownedRevisions();
        if (toRevision == 0 && owned.size() <= 1) {
            throw new DeploymentException("no rollout history found for StatefulSet " + ref
                    + ": no previous revision to roll back to (known revisions: " + revisionList(history()) + ")");
        }
        ControllerRevision found = null;
        if (toRevision == 0) {
            found = owned.get(owned.size() - 2);
        } else {
            for (ControllerRevision cr : owned) {
                if (revisionOf(cr) == toRevision) {
                    found = cr;
                }
            }
        }
        if (found == null) {
            throw new DeploymentException("revision " + toRevision + " not found in the rollout history of StatefulSet "
                    + ref + "; known revisions: " + revisionList(history()));
        }
        String crName = found.getMetadata().getName();
        return new Target(revisionOf(found), templateOf(found), null, "ControllerRevision " + crName, crName);
    }

    @Override
    Target snapshot() {
        long rev = 0;
        String crName = null;
        for (Revision r : history()) {
            if (r.current()) {
                rev = r.number();
                crName = r.details().get("controllerRevision");
            }
        }
        return new Target(rev, json.clone(template()), new LinkedHashMap<>(annotations()),
                "StatefulSet " + ref + " before the deploy", crName);
    }

    @Override
    void unstick(Target restored) {
        StatefulSetStatus st = set.getStatus();
        long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
        if (restored.sourceName() == null || st == null || st.getObservedGeneration() == null
                || st.getObservedGeneration() < generation || !restored.sourceName().equals(st.getUpdateRevision())) {
            return; // the controller has not taken up the restored template yet: a deleted pod would come back broken
        }
        var selector = set.getSpec().getSelector();
        List<Pod> pods = api.call("list", "pods", ref.namespace(), () -> api.client().pods()
                .inNamespace(ref.namespace()).withLabelSelector(selector).list().getItems());
        for (Pod p : pods) {
            Map<String, String> labels = p.getMetadata().getLabels();
            String hash = labels == null ? null : labels.get(REVISION_HASH_LABEL);
            if (hash != null && !hash.equals(restored.sourceName()) && ownedBy(p)
                    && p.getMetadata().getDeletionTimestamp() == null && !ready(p)) {
                log.info("Deleting pod {} of StatefulSet {}: it never became Ready at revision {} and the controller "
                        + "will not replace it by itself", p.getMetadata().getName(), ref, hash);
                api.run("delete", "pods", ref.namespace(), () -> api.client().pods().inNamespace(ref.namespace())
                        .withName(p.getMetadata().getName()).delete());
            }
        }
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    boolean matches(Target target) {
        return Templates.equalIgnoreHash(json, target.template(), template());
    }

    @Override
    void restore(Target target) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(Map.of("op", "add", "path", "/spec/template", "value", target.template()));
        if (target.annotations() != null) {
            ops.add(Map.of("op", "add", "path", "/metadata/annotations", "value", target.annotations()));
        }
        jsonPatch(ops);
    }

    @Override
    protected void jsonPatch(List<Map<String, Object>> ops) {
        String patch = json.asJson(ops);
        StatefulSet patched = api.call("patch", RESOURCE, ref.namespace(), () -> api.client().apps().statefulSets()
                .inNamespace(ref.namespace()).withName(ref.name()).patch(PatchContext.of(PatchType.JSON), patch));
        if (patched == null) {
            throw api.notFound(ref, "StatefulSet");
        }
    }

    /** {@code kubectl rollout status} for a StatefulSet with the RollingUpdate strategy. */
    @Override
    RolloutState rolloutState() {
        StatefulSetStatus st = set.getStatus() == null ? new StatefulSetStatus() : set.getStatus();
        long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
        long observed = st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
        if (observed == 0 || generation > observed) {
            return RolloutState.progressing("waiting for the StatefulSet spec update to be observed");
        }
        var strategy = set.getSpec().getUpdateStrategy();
        if (strategy != null && strategy.getType() != null && !"RollingUpdate".equals(strategy.getType())) {
            return RolloutState.done("StatefulSet " + ref + " uses the " + strategy.getType()
                    + " update strategy: its pods are replaced only when deleted");
        }
        int want = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
        if (nz(st.getReadyReplicas()) < want) {
            return RolloutState.progressing(nz(st.getReadyReplicas()) + " of " + want + " pods are ready");
        }
        Integer partition = strategy == null || strategy.getRollingUpdate() == null ? null
                : strategy.getRollingUpdate().getPartition();
        if (partition != null && partition > 0) {
            if (nz(st.getUpdatedReplicas()) < want - partition) {
                return RolloutState.progressing("partitioned roll out: " + nz(st.getUpdatedReplicas()) + " of "
                        + (want - partition) + " new pods have been updated");
            }
            return RolloutState.done("partitioned roll out of StatefulSet " + ref + " complete");
        }
        if (st.getUpdateRevision() != null && !st.getUpdateRevision().equals(st.getCurrentRevision())) {
            return RolloutState.progressing("waiting for the rolling update to finish: " + nz(st.getUpdatedReplicas())
                    + " pods at revision " + st.getUpdateRevision());
        }
        return RolloutState.done("StatefulSet " + ref + " successfully rolled out");
    }

    private static int nz(@Nullable Integer i) {
        return i == null ? 0 : i;
    }
}
