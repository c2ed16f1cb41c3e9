package io.dr4j.deploy.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import org.jspecify.annotations.Nullable;

/** Pod-template helpers: semantic comparison the way kubectl does it, image summaries. */
final class Templates {
    /** The label the Deployment controller adds to ReplicaSet templates ({@code appsv1.DefaultDeploymentUniqueLabelKey}). */
    static final String POD_TEMPLATE_HASH = "pod-template-hash";

    private Templates() {
    }

    /**
     * kubectl's {@code equalIgnoreHash}: equal after dropping the pod-template-hash label, with nil and empty
     * maps/lists treated alike ({@code apiequality.Semantic.DeepEqual}).
     */
    static boolean equalIgnoreHash(KubernetesSerialization json, @Nullable PodTemplateSpec a,
                                   @Nullable PodTemplateSpec b) {
        return normalized(json, a).equals(normalized(json, b));
    }

    /** A plain map/list tree of the template without the hash label and without null or empty members. */
    static Object normalized(KubernetesSerialization json, @Nullable PodTemplateSpec t) {
        if (t == null) {
            return Map.of();
        }
        Object tree = json.unmarshal(json.asJson(t), Map.class);
        Object labels = at(tree, "metadata", "labels");
        if (labels instanceof Map<?, ?> m) {
            m.remove(POD_TEMPLATE_HASH);
        }
        Object pruned = prune(tree);
        return pruned == null ? Map.of() : pruned;
    }

    /** A deep copy of the template without the pod-template-hash label (what kubectl patches back). */
    static PodTemplateSpec withoutHash(KubernetesSerialization json, PodTemplateSpec t) {
        PodTemplateSpec copy = json.clone(t);
        if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
            copy.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
        }
        return copy;
    }

    /** The image of the only container, or {@code name=image,...} for several. */
    static String images(@Nullable PodTemplateSpec t) {
        List<Container> cs = containers(t);
        if (cs.isEmpty()) {
            return "<none>";
        }
        if (cs.size() == 1) {
            return String.valueOf(cs.get(0).getImage());
        }
        return cs.stream().map(c -> c.getName() + "=" + c.getImage()).collect(Collectors.joining(","));
    }

    static List<Container> containers(@Nullable PodTemplateSpec t) {
        if (t == null || t.getSpec() == null || t.getSpec().getContainers() == null) {
            return List.of();
        }
        return t.getSpec().getContainers();
    }

    private static @Nullable Object at(Object tree, String... path) {
        Object cur = tree;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return cur;
    }

    private static @Nullable Object prune(@Nullable Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object pv = prune(v);
                if (pv != null) {
                    out.put(String.valueOf(k), pv);
                }
            });
            return out.isEmpty() ? null : out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object v : l) {
                Object pv = prune(v);
                out.add(pv == null ? Map.of() : pv);
            }
            return out.isEmpty() ? null : out;
        }
        if (node instanceof String s && s.isEmpty()) {
            return null; // Go: an empty string and a missing one are the same field value
        }
        return node;
    }
}
