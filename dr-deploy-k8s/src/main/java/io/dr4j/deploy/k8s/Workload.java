package io.dr4j.deploy.k8s;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.Revision;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import org.jspecify.annotations.Nullable;

/**
 * One Deployment or StatefulSet as fetched at one moment, with the operations dr4j needs on it: history, the
 * rollback target ({@code kubectl rollout undo} semantics), patches and rollout status.
 */
abstract sealed class Workload permits DeploymentWorkload, StatefulSetWorkload {
    static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

    protected final KubeApi api;
    protected final KubernetesSerialization json;
    protected final WorkloadRef ref;

    Workload(KubeApi api, WorkloadRef ref) {
        this.api = api;
        this.json = api.client().getKubernetesSerialization();
        this.ref = ref;
    }

    /** Fetches the workload named by {@code ref}: a Deployment first, then a StatefulSet when the kind is open. */
    static Workload load(KubeApi api, WorkloadRef ref) {
        if (ref.kind() != WorkloadRef.Kind.STATEFULSET) {
            Optional<DeploymentWorkload> d = DeploymentWorkload.fetch(api, ref.withKind(WorkloadRef.Kind.DEPLOYMENT));
            if (d.isPresent()) {
                return d.get();
            }
            if (ref.kind() == WorkloadRef.Kind.DEPLOYMENT) {
                throw api.notFound(ref, "Deployment");
            }
        }
        Optional<StatefulSetWorkload> s;
        try {
            s = StatefulSetWorkload.fetch(api, ref.withKind(WorkloadRef.Kind.STATEFULSET));
        } catch (DeploymentException e) {
            if (ref.kind() == WorkloadRef.Kind.ANY && e.getMessage() != null && e.getMessage().startsWith("forbidden")) {
                throw api.notFound(ref, "Deployment"); // no right to look for StatefulSets: they meant a Deployment
            }
            throw e;
        }
        if (s.isPresent()) {
            return s.get();
        }
        throw api.notFound(ref, ref.kind() == WorkloadRef.Kind.ANY ? "Deployment or StatefulSet" : "StatefulSet");
    }

    WorkloadRef ref() {
        return ref;
    }

    /** "Deployment" / "StatefulSet". */
    abstract String kindText();

    /** The RBAC resource, e.g. {@code deployments.apps}. */
    abstract String resource();

    abstract HasMetadata object();

    abstract PodTemplateSpec template();

    abstract boolean paused();

    /** Revisions oldest first, with the current one marked. */
    abstract List<Revision> history();

    /** The revision to roll back to: the previous one for 0, else exactly {@code toRevision}. */
    abstract Target target(long toRevision);

    /** Whether the current template already equals the target's. */
    abstract boolean matches(Target target);

    /** Writes the target's template (and annotations, where kubectl does) back into the workload. */
    abstract void restore(Target target);

    /** A fresh copy of this workload from the API server. */
    abstract Workload reload();

    abstract RolloutState rolloutState();

    /**
     * Called while a restored revision rolls out. StatefulSets need it: their controller does not replace a pod that
     * never became Ready (the "forced rollback" case of the Kubernetes docs), so such pods of another revision are
     * deleted once the controller has seen the restored template. Deployments need nothing.
     */
    void unstick(Target restored) {
    }

    /** A target made from this workload as it is now: what an automatic rollback restores. */
    abstract Target snapshot();

    /** Sets one container's image and records the change cause. */
    final void setImage(int containerIndex, String image, String changeCause) {
        Map<String, String> annotations = new LinkedHashMap<>(annotations());
        annotations.put(CHANGE_CAUSE, changeCause);
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(Map.of("op", "replace", "path", "/spec/template/spec/containers/" + containerIndex + "/image",
                "value", image));
        ops.add(Map.of("op", "add", "path", "/metadata/annotations", "value", annotations));
        jsonPatch(ops);
    }

    /** Index of the named container, or of the only/first one when {@code name} is null. */
    final int containerIndex(@Nullable String name) {
        List<Container> cs = Templates.containers(template());
        if (cs.isEmpty()) {
            throw new DeploymentException(kindText() + " " + ref + " has no containers in its pod template");
        }
        if (name == null) {
            return 0;
        }
        for (int i = 0; i < cs.size(); i++) {
            if (name.equals(cs.get(i).getName())) {
                return i;
            }
        }
        throw new DeploymentException("container '" + name + "' not found in " + kindText() + " " + ref
                + "; its containers are " + cs.stream().map(Container::getName).toList());
    }

    final Map<String, String> annotations() {
        Map<String, String> a = object().getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    protected abstract void jsonPatch(List<Map<String, Object>> ops);

    protected final boolean ownedBy(HasMetadata child) {
        String uid = object().getMetadata().getUid();
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        if (refs == null || uid == null) {
            return false;
        }
        return refs.stream().anyMatch(r -> uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getController()));
    }

    protected static @Nullable Instant created(HasMetadata m) {
        String ts = m.getMetadata().getCreationTimestamp();
        if (ts == null) {
            return null;
        }
        try {
            return Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    protected static String revisionList(List<Revision> revisions) {
        return revisions.isEmpty() ? "none"
                : revisions.stream().map(r -> Long.toString(r.number())).toList().toString();
    }

    /**
     * What a rollback writes back.
     *
     * @param revision    the revision number restored (0 for a snapshot taken before a deploy)
     * @param template    the pod template, without the pod-template-hash label
     * @param annotations annotations to set on the workload, or null to leave them (StatefulSet rollback)
     * @param source      the ReplicaSet or ControllerRevision it came from, for messages
     * @param sourceName  the ControllerRevision's name (StatefulSet), null otherwise
     */
    record Target(long revision, PodTemplateSpec template, @Nullable Map<String, String> annotations, String source,
                  @Nullable String sourceName) {
    }

    /** The rollout as {@code kubectl rollout status} sees it. */
    record RolloutState(State state, String message) {
        enum State { PROGRESSING, DONE, FAILED }

        static RolloutState progressing(String m) {
            return new RolloutState(State.PROGRESSING, m);
        }

        static RolloutState done(String m) {
            return new RolloutState(State.DONE, m);
        }

        static RolloutState failed(String m) {
            return new RolloutState(State.FAILED, m);
        }
    }
}
