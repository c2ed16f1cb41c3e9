package io.dr4j.deploy.k8s;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.Revision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import org.jspecify.annotations.Nullable;

/** A Deployment: history from the ReplicaSets it owns, rollback the way {@code kubectl rollout undo} does it. */
final class DeploymentWorkload extends Workload {
    static final String REVISION = "deployment.kubernetes.io/revision";
    private static final String RESOURCE = "deployments.apps";

    /**
     * kubectl's {@code annotationsToSkip} (polymorphichelpers/rollback.go): kept from the Deployment, never copied
     * from the ReplicaSet on rollback.
     */
    static final Set<String> ANNOTATIONS_TO_SKIP = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            REVISION,
            "deployment.kubernetes.io/revision-history",
            "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas",
            "deprecated.deployment.rollback.to");

    private final Deployment deployment;

    private DeploymentWorkload(KubeApi api, WorkloadRef ref, Deployment deployment) {
        super(api, ref);
        this.deployment = deployment;
    }

    static Optional<DeploymentWorkload> fetch(KubeApi api, WorkloadRef ref) {
        Deployment d = api.call("get", RESOURCE, ref.namespace(),
                () -> api.client().apps().deployments().inNamespace(ref.namespace()).withName(ref.name()).get());
        return Optional.ofNullable(d).map(x -> new DeploymentWorkload(api, ref, x));
    }

    @Override
    String kindText() {
        return "Deployment";
    }

    @Override
    String resource() {
        return RESOURCE;
    }

    @Override
    HasMetadata object() {
        return deployment;
    }

    @Override
    PodTemplateSpec template() {
        return deployment.getSpec().getTemplate();
    }

    @Override
    boolean paused() {
        return Boolean.TRUE.equals(deployment.getSpec().getPaused());
    }

    @Override
    Workload reload() {
        return fetch(api, ref).orElseThrow(() -> api.notFound(ref, "Deployment"));
    }

    /** ReplicaSets whose controller owner reference is this Deployment's uid (labels only narrow the query). */
    List<ReplicaSet> ownedReplicaSets() {
        var selector = deployment.getSpec().getSelector();
        List<ReplicaSet> all = api.call("list", "replicasets.apps", ref.namespace(), () -> {
            var op = api.client().apps().replicaSets().inNamespace(ref.namespace());
            return (selector == null ? op.list() : op.withLabelSelector(selector).list()).getItems();
        });
        List<ReplicaSet> owned = new ArrayList<>();
        for (ReplicaSet rs : all) {
            if (ownedBy(rs)) {
                owned.add(rs);
            }
        }
        return owned;
    }

    static long revisionOf(HasMetadata rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(REVISION);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    List<Revision> history() {
        List<ReplicaSet> owned = ownedReplicaSets();
        owned.removeIf(rs -> revisionOf(rs) < 0);
        owned.sort(Comparator.comparingLong(DeploymentWorkload::revisionOf));
        ReplicaSet current = currentReplicaSet(owned);
        List<Revision> out = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            PodTemplateSpec t = rs.getSpec().getTemplate();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("kind", "ReplicaSet");
            details.put("replicaSet", rs.getMetadata().getName());
            Map<String, String> labels = t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels();
            if (labels != null && labels.get(Templates.POD_TEMPLATE_HASH) != null) {
                details.put(Templates.POD_TEMPLATE_HASH, labels.get(Templates.POD_TEMPLATE_HASH));
            }
            Map<String, String> ann = rs.getMetadata().getAnnotations();
            out.add(new Revision(revisionOf(rs), Templates.images(t), created(rs),
                    ann == null ? null : ann.get(CHANGE_CAUSE), rs == current, details));
        }
        return out;
    }

    private @Nullable ReplicaSet currentReplicaSet(List<ReplicaSet> sortedOwned) {
        ReplicaSet match = null;
        for (ReplicaSet rs : sortedOwned) {
            if (Templates.equalIgnoreHash(json, rs.getSpec().getTemplate(), template())) {
                match = rs; // highest revision wins
            }
        }
        return match;
    }

    /** kubectl's {@code deploymentRevision}: the second-highest revision for 0, else exactly that revision. */
    @Override
    Target target(long toRevision) {
        List<ReplicaSet> owned = ownedReplicaSets();
        ReplicaSet latest = null;
        ReplicaSet previous = null;
        long latestRev = -1;
        long previousRev = -1;
        for (ReplicaSet rs : owned) {
            long v = revisionOf(rs);
            if (v < 0) {
                continue;
            }
            if (toRevision == 0) {
                if (latestRev < v) {
                    previousRev = latestRev;
                    previous = latest;
                    latestRev = v;
                    latest = rs;
                } else if (previousRev < v) {
                    previousRev = v;
                    previous = rs;
                }
            } else if (toRevision == v) {
                return targetOf(rs, v);
            }
        }
        if (toRevision > 0) {
            throw new DeploymentException("revision " + toRevision + " not found in the rollout history of Deployment "
                    + ref + "; known revisions: " + revisionList(history()));
        }
        if (previous == null) {
            throw new DeploymentException("no rollout history found for Deployment " + ref
                    + ": it has no previous revision to roll back to (known revisions: " + revisionList(history()) + ")");
        }
        return targetOf(previous, previousRev);
    }

    private Target targetOf(ReplicaSet rs, long revision) {
        // kubectl: keep the skip-listed annotations of the Deployment, take every other one from the ReplicaSet
        Map<String, String> annotations = new LinkedHashMap<>();
        for (String k : ANNOTATIONS_TO_SKIP) {
            String v = annotations().get(k);
            if (v != null) {
                annotations.put(k, v);
            }
        }
        Map<String, String> rsAnn = rs.getMetadata().getAnnotations();
        if (rsAnn != null) {
            rsAnn.forEach((k, v) -> {
                if (!ANNOTATIONS_TO_SKIP.contains(k)) {
                    annotations.put(k, v);
                }
            });
        }
        return new Target(revision, Templates.withoutHash(json, rs.getSpec().getTemplate()), annotations,
                "ReplicaSet " + rs.getMetadata().getName(), null);
    }

    @Override
    Target snapshot() {
        Map<String, String> annotations = new LinkedHashMap<>(annotations());
        return new Target(DeploymentWorkload.revisionOf(deployment), json.clone(template()), annotations,
                "Deployment " + ref + " before the deploy", null);
    }

    @Override
    boolean matches(Target target) {
        return Templates.equalIgnoreHash(json, target.template(), template());
    }

    @Override
    void restore(Target target) {
        // kubectl's getDeploymentPatch: one JSON patch replacing spec.template and metadata.annotations
        // ("add" replaces an existing member and also works when the Deployment has no annotations yet)
        Map<String, String> annotations = new LinkedHashMap<>();
        if (target.annotations() != null) {
            for (String k : ANNOTATIONS_TO_SKIP) {
                String v = annotations().get(k);
                if (v != null) {
                    annotations.put(k, v);
                }
            }
            target.annotations().forEach((k, v) -> {
                if (!ANNOTATIONS_TO_SKIP.contains(k)) {
                    annotations.put(k, v);
                }
            });
        } else {
            annotations.putAll(annotations());
        }
        jsonPatch(List.of(
                Map.of("op", "add", "path", "/spec/template", "value", target.template()),
                Map.of("op", "add", "path", "/metadata/annotations", "value", annotations)));
    }

    @Override
    protected void jsonPatch(List<Map<String, Object>> ops) {
        String patch = json.asJson(ops);
        Deployment patched = api.call("patch", RESOURCE, ref.namespace(), () -> api.client().apps().deployments()
                .inNamespace(ref.namespace()).withName(ref.name()).patch(PatchContext.of(PatchType.JSON), patch));
        if (patched == null) {
            throw api.notFound(ref, "Deployment");
        }
    }

    /** {@code kubectl rollout status} for a Deployment (polymorphichelpers/rollout_status.go). */
    @Override
    RolloutState rolloutState() {
        Deployment d = deployment;
        DeploymentStatus st = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
        if (generation > observed) {
            return RolloutState.progressing("waiting for the Deployment spec update to be observed");
        }
        if (st.getConditions() != null) {
            for (DeploymentCondition c : st.getConditions()) {
                if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                    return RolloutState.failed("Deployment " + ref + " exceeded its progress deadline"
                            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
                }
            }
        }
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = nz(st.getUpdatedReplicas());
        int replicas = nz(st.getReplicas());
        int available = nz(st.getAvailableReplicas());
        if (updated < want) {
            return RolloutState.progressing(updated + " of " + want + " new replicas have been updated");
        }
        if (replicas > updated) {
            return RolloutState.progressing((replicas - updated) + " old replicas are pending termination");
        }
        if (available < updated) {
            return RolloutState.progressing(available + " of " + updated + " updated replicas are available");
        }
        return RolloutState.done("Deployment " + ref + " successfully rolled out");
    }

    private static int nz(@Nullable Integer i) {
        return i == null ? 0 : i;
    }
}
