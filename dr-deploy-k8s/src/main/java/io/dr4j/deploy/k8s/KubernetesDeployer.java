package io.dr4j.deploy.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.deploy.k8s.Workload.RolloutState;
import io.dr4j.deploy.k8s.Workload.Target;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys images to Kubernetes Deployments and StatefulSets and rolls them back with {@code kubectl rollout undo}
 * semantics, implemented by dr4j on the fabric8 client (fabric8's own {@code undo()} is not used: it ignores owner
 * references). See {@code docs/deploy-k8s.md}.
 *
 * <pre>{@code
 * try (KubernetesDeployer k8s = KubernetesDeployer.builder().context("prod").namespace("production").build()) {
 *     k8s.rollback("swe-api");                       // kubectl rollout undo deployment/swe-api -n production
 * }
 * }</pre>
 */
public final class KubernetesDeployer implements Deployer {
    private static final Logger log = LoggerFactory.getLogger(KubernetesDeployer.class);
    private static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String namespace;
    private final Duration pollInterval;
    private final KubeApi api;
    private final ExecutorService checkExecutor;
    private final HealthGate gate;

    private KubernetesDeployer(Builder b) {
        if (b.client != null) {
            this.client = b.client;
            this.ownsClient = false;
        } else {
            this.client = new KubernetesClientBuilder().withConfig(b.config()).build();
            this.ownsClient = true;
        }
        String ns = b.namespace != null ? b.namespace : client.getNamespace();
        this.namespace = ns == null || ns.isBlank() ? "default" : ns;
        this.pollInterval = b.pollInterval;
        this.api = new KubeApi(client);
        this.checkExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dr4j-k8s-health");
            t.setDaemon(true);
            return t;
        });
        this.gate = new HealthGate(checkExecutor, pollInterval);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return "k8s";
    }

    /** The namespace used for services named without one. */
    public String namespace() {
        return namespace;
    }

    /** The fabric8 client in use (shared, do not close). */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public DeploymentResult deploy(DeploymentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Instant start = Instant.now();
        Map<String, Duration> phases = new LinkedHashMap<>();
        WorkloadRef ref = WorkloadRef.parse(spec.service(), namespace);
        Workload w = Workload.load(api, ref);
        ref = w.ref();
        if (w.paused()) {
            throw new DeploymentException(w.kindText() + " " + ref + " is paused, so a new rollout would not progress; "
                    + "resume it first with 'kubectl rollout resume deployment/" + ref.name() + " -n "
                    + ref.namespace() + "' and try again");
        }
        int idx = w.containerIndex(spec.container());
        Container container = Templates.containers(w.template()).get(idx);
        Revision from = current(w.history());
        if (spec.image().equals(container.getImage())) {
            return result(spec.service(), Outcome.UNCHANGED, from, from, "container '" + container.getName() + "' of "
                    + ref + " already runs " + spec.image() + "; nothing to deploy", phases, start);
        }
        Target snapshot = w.snapshot();
        String cause = spec.changeCause() != null ? spec.changeCause()
                : "dr4j deploy " + container.getName() + "=" + spec.image();
        Instant deadline = start.plus(spec.deadline());

        Instant t = Instant.now();
        w.setImage(idx, spec.image(), cause);
        phases.put("patch", Duration.between(t, Instant.now()));
        log.info("Deploying {} to container '{}' of {} {} (was {})", spec.image(), container.getName(), w.kindText(),
                ref, container.getImage());

        String failure;
        t = Instant.now();
        RolloutState state = awaitRollout(w, deadline);
        phases.put("rollout", Duration.between(t, Instant.now()));
        if (state.state() == RolloutState.State.DONE) {
            t = Instant.now();
            HealthGate.Outcome health = awaitGate(spec.healthGate(), deadline);
            phases.put("health", Duration.between(t, Instant.now()));
            if (health.up()) {
                Revision to = current(safeHistory(w));
                return result(spec.service(), Outcome.DEPLOYED, from, to, "deployed " + spec.image() + " to " + ref
                        + (to == null ? "" : " (revision " + to.number() + ")"), phases, start);
            }
            failure = "the health gate was not UP within " + spec.deadline() + ": " + health.summary();
        } else {
            failure = state.message();
        }
        log.warn("Deploy of {} to {} failed: {}", spec.image(), ref, failure);
        String what = "deploy of " + spec.image() + " to " + ref + " failed: " + failure;
        if (!spec.autoRollback()) {
            return result(spec.service(), Outcome.FAILED, from, current(safeHistory(w)), what
                    + "; automatic rollback is off, the new revision was left in place (roll back with rollback(\""
                    + spec.service() + "\"))", phases, start);
        }
        t = Instant.now();
        String rollbackProblem = restoreAndWait(w, snapshot, Instant.now().plus(spec.deadline()));
        phases.put("rollback", Duration.between(t, Instant.now()));
        Revision after = current(safeHistory(w));
        if (rollbackProblem == null) {
            return result(spec.service(), Outcome.ROLLED_BACK, from, after,
                    what + "; rolled back to " + describe(after, snapshot), phases, start);
        }
        return result(spec.service(), Outcome.FAILED, from, after, what + "; the automatic rollback failed too: "
                + rollbackProblem
                + "; needs a person (kubectl rollout status/history " + kindArg(w) + " -n " + ref.namespace() + ")",
                phases, start);
    }

    @Override
    public List<Revision> history(String service) {
        return Workload.load(api, WorkloadRef.parse(service, namespace)).history();
    }

    @Override
    public DeploymentResult rollback(String service, RollbackRequest request) {
        Objects.requireNonNull(request, "request");
        Instant start = Instant.now();
        Map<String, Duration> phases = new LinkedHashMap<>();
        Workload w = Workload.load(api, WorkloadRef.parse(service, namespace));
        WorkloadRef ref = w.ref();
        Target target = w.target(request.toRevision());
        Revision from = current(w.history());
        if (request.dryRun()) {
            return result(service, Outcome.DRY_RUN, from, from, "would roll back " + w.kindText() + " " + ref + " from "
                    + describe(from) + " to revision " + target.revision() + " (" + Templates.images(target.template())
                    + ", from " + target.source() + ")" + (w.paused() ? "; but it is paused and must be resumed first"
                    : ""), phases, start);
        }
        if (w.paused()) {
            throw new DeploymentException("you cannot roll back a paused " + w.kindText() + " (" + ref + "); resume it "
                    + "first with 'kubectl rollout resume deployment/" + ref.name() + " -n " + ref.namespace()
                    + "' and try again");
        }
        if (w.matches(target)) {
            return result(service, Outcome.UNCHANGED, from, from, "skipped rollback of " + ref
                    + " (current template already matches revision " + target.revision() + ")", phases, start);
        }
        Instant t = Instant.now();
        w.restore(target);
        phases.put("patch", Duration.between(t, Instant.now()));
        log.info("Rolling back {} {} to revision {} from {}", w.kindText(), ref, target.revision(), target.source());
        Instant deadline = Instant.now().plus(request.deadline());
        t = Instant.now();
        RolloutState state = awaitRollout(w, deadline, target);
        phases.put("rollout", Duration.between(t, Instant.now()));
        String problem = null;
        if (state.state() != RolloutState.State.DONE) {
            problem = state.message();
        } else {
            t = Instant.now();
            HealthGate.Outcome health = awaitGate(request.healthGate(), deadline);
            phases.put("health", Duration.between(t, Instant.now()));
            if (!health.up()) {
                problem = "the health gate was not UP within " + request.deadline() + ": " + health.summary();
            }
        }
        Revision to = current(safeHistory(w));
        if (problem == null) {
            return result(service, Outcome.ROLLBACK_COMPLETED, from, to, "rolled back " + ref + " to revision "
                    + target.revision() + " (" + Templates.images(target.template()) + ")"
                    + (to == null ? "" : ", now revision " + to.number()), phases, start);
        }
        return result(service, Outcome.FAILED, from, to, "rollback of " + ref + " to revision " + target.revision()
                + " was applied but did not become healthy: " + problem + "; needs a person", phases, start);
    }

    /** A health check that is UP when the workload's rollout is complete and all replicas available. */
    public HealthCheck deploymentAvailable(String service) {
        return new DeploymentAvailableHealthCheck(client, WorkloadRef.parse(service, namespace));
    }

    /** A health check that is UP when every pod of the workload is Ready. */
    public HealthCheck podsReady(String service) {
        return new PodsReadyHealthCheck(client, WorkloadRef.parse(service, namespace));
    }

    @Override
    public void close() {
        checkExecutor.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }

    private RolloutState awaitRollout(Workload w, Instant deadline) {
        return awaitRollout(w, deadline, null);
    }

    private RolloutState awaitRollout(Workload w, Instant deadline, @Nullable Target restored) {
        RolloutState last = RolloutState.progressing("not checked yet");
        try {
            while (true) {
                Workload fresh = w.reload();
                last = fresh.rolloutState();
                if (last.state() != RolloutState.State.PROGRESSING) {
                    return last;
                }
                if (restored != null) {
                    fresh.unstick(restored);
                }
                if (!Instant.now().plus(pollInterval).isBefore(deadline)) {
                    return RolloutState.failed("the rollout did not complete before the deadline: " + last.message());
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RolloutState.failed("interrupted while waiting for the rollout: " + last.message());
        } catch (DeploymentException e) {
            return RolloutState.failed("lost track of the rollout: " + e.getMessage());
        }
    }

    private HealthGate.Outcome awaitGate(List<HealthCheck> checks, Instant deadline) {
        try {
            return gate.await(checks, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HealthGate.Outcome(false, List.of());
        }
    }

    /** Restores the snapshot; null when the restored revision rolled out, else why not. */
    private @Nullable String restoreAndWait(Workload w, Target snapshot, Instant deadline) {
        try {
            w.reload().restore(snapshot);
        } catch (DeploymentException e) {
            return e.getMessage();
        }
        RolloutState s = awaitRollout(w, deadline, snapshot);
        return s.state() == RolloutState.State.DONE ? null : s.message();
    }

    private List<Revision> safeHistory(Workload w) {
        try {
            return w.reload().history();
        } catch (DeploymentException e) {
            log.warn("Could not read the history of {}: {}", w.ref(), e.getMessage());
            return List.of();
        }
    }

    private static @Nullable Revision current(List<Revision> history) {
        Revision cur = null;
        for (Revision r : history) {
            if (r.current()) {
                cur = r;
            }
        }
        return cur;
    }

    private static String describe(@Nullable Revision r) {
        return r == null ? "an unknown revision" : "revision " + r.number() + " (" + r.image() + ")";
    }

    private static String describe(@Nullable Revision r, Target snapshot) {
        return r != null ? describe(r) : "the previous template (" + Templates.images(snapshot.template()) + ")";
    }

    private static String kindArg(Workload w) {
        return w.kindText().toLowerCase(java.util.Locale.ROOT) + "/" + w.ref().name();
    }

    private static DeploymentResult result(String service, Outcome outcome, @Nullable Revision from,
                                           @Nullable Revision to, String message, Map<String, Duration> phases,
                                           Instant start) {
        return new DeploymentResult(service, outcome, from, to, message, phases,
                Duration.between(start, Instant.now()));
    }

    /**
     * Configures a {@link KubernetesDeployer}. With no client, kubeconfig or in-cluster choice, fabric8's usual
     * discovery applies: {@code KUBECONFIG}, {@code ~/.kube/config}, then the pod's service account.
     */
    public static final class Builder {
        private @Nullable KubernetesClient client;
        private @Nullable Path kubeconfig;
        private @Nullable String context;
        private @Nullable String namespace;
        private boolean inCluster;
        private Duration pollInterval = Duration.ofSeconds(1);

        private Builder() {
        }

        /** Use this client (not closed by the deployer). */
        public Builder client(KubernetesClient c) {
            this.client = Objects.requireNonNull(c, "client");
            return this;
        }

        /** Read this kubeconfig file instead of {@code KUBECONFIG} / {@code ~/.kube/config}. */
        public Builder kubeconfig(Path file) {
            this.kubeconfig = Objects.requireNonNull(file, "kubeconfig");
            return this;
        }

        /** The kubeconfig context to use; null for the current context. */
        public Builder context(@Nullable String c) {
            this.context = c;
            return this;
        }

        /** The namespace for services named without one (default: the context's namespace, else "default"). */
        public Builder namespace(@Nullable String ns) {
            this.namespace = ns;
            return this;
        }

        /** Use the pod's service account (in-cluster configuration) and ignore kubeconfig files. */
        public Builder inCluster(boolean b) {
            this.inCluster = b;
            return this;
        }

        /** How often rollout status and health are polled (default 1 s). */
        public Builder pollInterval(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + d);
            }
            this.pollInterval = d;
            return this;
        }

        public KubernetesDeployer build() {
            return new KubernetesDeployer(this);
        }

        Config config() {
            if (kubeconfig != null) {
                if (!Files.isReadable(kubeconfig)) {
                    throw new ConfigurationException("kubeconfig " + kubeconfig + " does not exist or is not readable");
                }
                try {
                    String content = Files.readString(kubeconfig, StandardCharsets.UTF_8);
                    return Config.fromKubeconfig(context, content, kubeconfig.toString());
                } catch (IOException e) {
                    throw new ConfigurationException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    // the parser's text may quote the file, and the file holds credentials: name the file, not it
                    throw new ConfigurationException("cannot use kubeconfig " + kubeconfig
                            + (context == null ? "" : " with context '" + context + "'")
                            + ": the file is not a valid kubeconfig or lacks that context (" + e.getClass().getSimpleName()
                            + ")", e);
                }
            }
            if (inCluster) {
                return inClusterConfig();
            }
            return Config.autoConfigure(context);
        }

        private static Config inClusterConfig() {
            String host = System.getenv("KUBERNETES_SERVICE_HOST");
            String port = System.getenv("KUBERNETES_SERVICE_PORT");
            Path token = Path.of(SA_DIR, "token");
            if (host == null || port == null || !Files.isReadable(token)) {
                throw new ConfigurationException("in-cluster Kubernetes configuration requested but this process does "
                        + "not run in a pod (KUBERNETES_SERVICE_HOST/PORT or " + token + " missing); use a kubeconfig");
            }
            ConfigBuilder cb = new ConfigBuilder(Config.empty())
                    .withMasterUrl("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port)
                    .withCaCertFile(SA_DIR + "/ca.crt")
                    // the kubelet rotates the token file: read it for every request, never keep or log it
                    .withOauthTokenProvider(() -> {
                        try {
                            return Files.readString(token, StandardCharsets.UTF_8).trim();
                        } catch (IOException e) {
                            throw new DeploymentException("cannot read the service-account token " + token, e);
                        }
                    });
            Path nsFile = Path.of(SA_DIR, "namespace");
            if (Files.isReadable(nsFile)) {
                try {
                    cb.withNamespace(Files.readString(nsFile, StandardCharsets.UTF_8).trim());
                } catch (IOException e) {
                    log.debug("Cannot read {}: {}", nsFile, e.toString());
                }
            }
            return cb.build();
        }
    }
}
