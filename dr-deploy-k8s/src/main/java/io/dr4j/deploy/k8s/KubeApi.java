package io.dr4j.deploy.k8s;

import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;

import io.dr4j.core.deploy.DeploymentException;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import org.jspecify.annotations.Nullable;

/**
 * Runs API calls and turns the client's failures into {@link DeploymentException}s that name the thing and the fix:
 * 403 names the RBAC verb and resource that are missing, connection failures name the API server (host and port
 * only, never credentials).
 */
final class KubeApi {
    private final KubernetesClient client;

    KubeApi(KubernetesClient client) {
        this.client = client;
    }

    KubernetesClient client() {
        return client;
    }

    /**
     * Runs one call.
     *
     * @param verb      the RBAC verb the call needs: get, list, patch, update, ...
     * @param resource  the RBAC resource with group: {@code deployments.apps}, {@code pods}
     * @param namespace the namespace, or null for cluster-scoped
     */
    <T> T call(String verb, String resource, @Nullable String namespace, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(e, verb, resource, namespace);
        }
    }

    void run(String verb, String resource, @Nullable String namespace, Runnable call) {
        call(verb, resource, namespace, () -> {
            call.run();
            return Boolean.TRUE;
        });
    }

    /** The exception for a missing workload: says whether the namespace itself is missing. */
    DeploymentException notFound(WorkloadRef ref, String kindText) {
        Namespace ns;
        try {
            ns = client.namespaces().withName(ref.namespace()).get();
        } catch (KubernetesClientException e) {
            ns = new Namespace(); // cannot tell (e.g. no RBAC on namespaces): report the workload only
        }
        if (ns == null) {
            return new DeploymentException("namespace '" + ref.namespace() + "' does not exist on "
                    + server() + "; check the service name '" + ref + "' or the configured namespace");
        }
        return new DeploymentException(kindText + " '" + ref.name() + "' not found in namespace '"
                + ref.namespace() + "' on " + server() + "; check the name (kubectl get " + kindPlural(kindText)
                + " -n " + ref.namespace() + ")");
    }

    DeploymentException translate(KubernetesClientException e, String verb, String resource,
                                  @Nullable String namespace) {
        String where = namespace == null ? "" : " in namespace '" + namespace + "'";
        int code = e.getCode();
        if (code == 403) {
            String[] gr = splitGroup(resource);
            return new DeploymentException("forbidden: the Kubernetes identity used by dr4j may not " + verb + " "
                    + resource + where + " (HTTP 403 from " + server() + "). Grant it RBAC permission: a Role"
                    + (namespace == null ? "" : " in '" + namespace + "'") + " with apiGroups: [\"" + gr[1]
                    + "\"], resources: [\"" + gr[0] + "\"], verbs: [\"" + verb + "\"]. Server said: "
                    + statusMessage(e), e);
        }
        if (code == 401) {
            return new DeploymentException("unauthorized: " + server() + " rejected dr4j's credentials (HTTP 401) "
                    + "while trying to " + verb + " " + resource + where
                    + "; check the kubeconfig user or the service-account token", e);
        }
        if (code == 409) {
            return new DeploymentException("conflict while trying to " + verb + " " + resource + where
                    + ": the object was changed concurrently (HTTP 409); retry. Server said: " + statusMessage(e), e);
        }
        if (code > 0) {
            return new DeploymentException("Kubernetes API call failed: " + verb + " " + resource + where
                    + " returned HTTP " + code + " from " + server() + ": " + statusMessage(e), e);
        }
        if (hasIoCause(e)) {
            return new DeploymentException("cannot reach the Kubernetes API server at " + server() + " (" + verb + " "
                    + resource + where + "): " + rootMessage(e)
                    + "; check the kubeconfig context, the network and that the cluster is up", e);
        }
        return new DeploymentException("Kubernetes API call failed: " + verb + " " + resource + where + " on "
                + server() + ": " + rootMessage(e), e);
    }

    /** Host and port of the API server: no path, no user info. */
    String server() {
        try {
            URI u = URI.create(client.getConfiguration().getMasterUrl());
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (RuntimeException e) {
            return "the Kubernetes API server";
        }
    }

    private static String kindPlural(String kindText) {
        return kindText.equalsIgnoreCase("StatefulSet") ? "statefulsets" : "deployments";
    }

    private static String[] splitGroup(String resource) {
        int dot = resource.indexOf('.');
        return dot < 0 ? new String[] {resource, ""}
                : new String[] {resource.substring(0, dot), resource.substring(dot + 1)};
    }

    private static String statusMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static boolean hasIoCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
