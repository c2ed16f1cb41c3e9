package io.dr4j.deploy.k8s;

import java.util.Locale;
import java.util.Objects;

import io.dr4j.core.deploy.DeploymentException;

import org.jspecify.annotations.Nullable;

/**
 * A workload named by a service string.
 *
 * <p>Accepted forms: {@code name}, {@code namespace/name}, {@code kind/name}, {@code namespace/kind/name}, where kind
 * is {@code deployment} ({@code deploy}, {@code deployments}) or {@code statefulset} ({@code sts},
 * {@code statefulsets}). Without a kind a Deployment of that name is looked up first, then a StatefulSet. Without a
 * namespace the configured default namespace is used.
 *
 * @param namespace the namespace
 * @param kind      the kind, or {@link Kind#ANY} when the service string did not say
 * @param name      the workload name
 */
public record WorkloadRef(String namespace, Kind kind, String name) {

    /** The workload kinds dr4j rolls out and back. */
    public enum Kind {
        DEPLOYMENT, STATEFULSET, ANY
    }

    public WorkloadRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** Parses {@code service}; {@code defaultNamespace} applies when the string names none. */
    public static WorkloadRef parse(String service, String defaultNamespace) {
        Objects.requireNonNull(service, "service");
        String[] parts = service.trim().split("/", -1);
        for (String p : parts) {
            if (p.isBlank()) {
                throw bad(service);
            }
        }
        return switch (parts.length) {
            case 1 -> new WorkloadRef(defaultNamespace, Kind.ANY, parts[0]);
            case 2 -> {
                Kind k = kindOf(parts[0]);
                yield k != null ? new WorkloadRef(defaultNamespace, k, parts[1])
                        : new WorkloadRef(parts[0], Kind.ANY, parts[1]);
            }
            case 3 -> {
                Kind k = kindOf(parts[1]);
                if (k == null) {
                    throw bad(service);
                }
                yield new WorkloadRef(parts[0], k, parts[2]);
            }
            default -> throw bad(service);
        };
    }

    /** {@code namespace/name}, the way the service is shown in messages. */
    @Override
    public String toString() {
        return namespace + "/" + (kind == Kind.STATEFULSET ? "statefulset/" : "") + name;
    }

    WorkloadRef withKind(Kind k) {
        return new WorkloadRef(namespace, k, name);
    }

    private static @Nullable Kind kindOf(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "deployment", "deployments", "deploy", "deployment.apps", "deployments.apps" -> Kind.DEPLOYMENT;
            case "statefulset", "statefulsets", "sts", "statefulset.apps", "statefulsets.apps" -> Kind.STATEFULSET;
            default -> null;
        };
    }

    private static DeploymentException bad(String service) {
        return new DeploymentException("'" + service + "' is not a Kubernetes workload name; use 'deployment', "
                + "'namespace/deployment', 'statefulset/name' or 'namespace/statefulset/name'");
    }
}
