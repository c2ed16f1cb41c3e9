package io.dr4j.deploy.docker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.deploy.docker.RevisionLabels.Entry;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a new image to a Docker container or Compose service and rolls it back, over the Engine API.
 *
 * <p>A deployment replaces the service's container with a successor that has the same configuration and the new
 * image: the old container is renamed {@code <name>.dr4j-r<revision>} and stopped gracefully, the successor is
 * created under the old name and started, and dr4j waits until it is healthy (its HEALTHCHECK and the spec's health
 * gate). When it is not healthy within the deadline, the successor is stopped (kept as {@code <name>.dr4j-failed}
 * for inspection) and the old container is renamed back and started again — the fastest rollback there is.
 *
 * <p>The revision history lives on the current container's labels ({@code io.dr4j.history} and friends), so any
 * {@code DockerDeployer} — in a restarted process or another host talking to the same engine — sees it. An
 * explicit rollback creates a new revision from the target revision's image (by image id) with the current
 * configuration, as {@code kubectl rollout undo} does; the target's entry moves to the top of the history.
 *
 * <p>Thread-safe; calls for the same service are serialised within one instance.
 */
public final class DockerDeployer implements Deployer {
    private static final Logger log = LoggerFactory.getLogger(DockerDeployer.class);

    private final DockerEngine engine;
    private final DockerDeployerConfig config;
    private final ServiceResolver services;
    private final boolean ownsClient;
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    private DockerDeployer(DockerEngine engine, DockerDeployerConfig config, boolean ownsClient) {
        this.engine = engine;
        this.config = config;
        this.services = new ServiceResolver(engine);
        this.ownsClient = ownsClient;
    }

    /** A deployer for the engine of {@code DOCKER_HOST} (or the platform's default socket) with default settings. */
    public static DockerDeployer create() {
        return create(DockerDeployerConfig.defaults());
    }

    /** A deployer for {@code config.host()} (or {@code DOCKER_HOST} / the default socket when null). */
    public static DockerDeployer create(DockerDeployerConfig config) {
        Objects.requireNonNull(config, "config");
        return new DockerDeployer(DockerEngine.connect(config.host()), config, true);
    }

    /**
     * A deployer on a client the caller owns (not closed by {@link #close()}).
     *
     * @param host how to name the engine in messages, e.g. its socket
     */
    public static DockerDeployer using(DockerClient client, String host, DockerDeployerConfig config) {
        return new DockerDeployer(DockerEngine.of(Objects.requireNonNull(client, "client"), host),
                Objects.requireNonNull(config, "config"), false);
    }

    @Override
    public String id() {
        return "docker";
    }

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return engine.host();
    }

    /** The docker-java client this deployer talks through. */
    public DockerClient client() {
        return engine.client();
    }

    DockerEngine engineForTests() {
        return engine;
    }

    /** A health check that follows the service's current container across deployments. */
    public ContainerHealthCheck healthCheck(String service) {
        Objects.requireNonNull(service, "service");
        return new ContainerHealthCheck("container:" + service, engine.client(),
                () -> services.resolve(service).getId());
    }

    @Override
    public DeploymentResult deploy(DeploymentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        DockerDeployerConfig cfg = config.overlay(spec.options());
        boolean dryRun = Boolean.parseBoolean(spec.options().getOrDefault("dry-run", "false"));
        synchronized (lock(spec.service())) {
            Phases phases = new Phases();
            InspectContainerResponse current = services.resolve(spec.service());
            List<Entry> history = read(current);
            phases.end("inspect");
            ImageResolver.Resolved image = new ImageResolver(engine).resolve(spec.image(), cfg.pull(), dryRun);
            phases.end("pull");
            Entry now = last(history);
            String name = ServiceResolver.name(current);
            if (image.id() != null && image.id().equals(current.getImageId())) {
                return phases.result(spec.service(), Outcome.UNCHANGED, revision(now, true, name), revision(now,
                        true, name), "service " + spec.service() + " already runs " + spec.image() + " (" + shortId(
                        image.id()) + ") as revision " + now.revision() + "; nothing to do");
            }
            Entry next = new Entry(nextNumber(history), spec.image(), image.id() == null ? "" : image.id(),
                    Instant.now().toString(), spec.changeCause() == null ? "deploy " + spec.image()
                    : spec.changeCause(), image.digest());
            if (dryRun) {
                return phases.result(spec.service(), Outcome.DRY_RUN, revision(now, true, name),
                        revision(next, false, name), "dry run: would replace container " + name + " (revision "
                                + now.revision() + ", " + now.image() + ") with " + spec.image()
                                + (image.id() == null ? " (not on the engine yet: it would be pulled)" : " ("
                                + shortId(image.id()) + ")") + " as revision " + next.revision() + ", keeping "
                                + successorOf(current).explicitSettings());
            }
            List<Entry> newHistory = RevisionLabels.append(history, next, cfg.historyLimit());
            return replace(spec.service(), current, history, newHistory, spec.image(), spec.healthGate(),
                    spec.deadline(), spec.autoRollback(), cfg, phases, false);
        }
    }

    @Override
    public List<Revision> history(String service) {
        Objects.requireNonNull(service, "service");
        InspectContainerResponse current = services.resolve(service);
        String name = ServiceResolver.name(current);
        List<Entry> entries = read(current);
        Map<Long, String> keptByRevision = new LinkedHashMap<>();
        for (Container c : services.kept(name)) {
            String n = ServiceResolver.name(c);
            if (n.matches(".*\\.dr4j-r\\d+")) {
                keptByRevision.put(Long.parseLong(n.substring(n.lastIndexOf("-r") + 2)), n);
            }
        }
        List<Revision> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            boolean isCurrent = i == entries.size() - 1;
            out.add(revision(e, isCurrent, isCurrent ? name : keptByRevision.get(e.revision())));
        }
        return List.copyOf(out);
    }

    @Override
    public DeploymentResult rollback(String service, RollbackRequest request) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(request, "request");
        synchronized (lock(service)) {
            Phases phases = new Phases();
            InspectContainerResponse current = services.resolve(service);
            String name = ServiceResolver.name(current);
            List<Entry> history = read(current);
            phases.end("inspect");
            Entry now = last(history);
            Entry target = target(service, history, request.toRevision());
            if (target.imageId().equals(current.getImageId())) {
                return phases.result(service, Outcome.UNCHANGED, revision(now, true, name), revision(now, true, name),
                        "service " + service + " already runs the image of revision " + target.revision() + " ("
                                + target.image() + "); nothing to do");
            }
            ImageResolver images = new ImageResolver(engine);
            String image = images.forRevision(target, config.pull(), request.dryRun());
            phases.end("pull");
            Entry next = new Entry(nextNumber(history), target.image(), target.imageId(), Instant.now().toString(),
                    "rollback to revision " + target.revision(), target.digest());
            if (request.dryRun()) {
                return phases.result(service, Outcome.DRY_RUN, revision(now, true, name), revision(next, false,
                        name), "dry run: would replace container " + name + " (revision " + now.revision() + ", "
                        + now.image() + ") with the image of revision " + target.revision() + " (" + target.image()
                        + ", " + shortId(target.imageId()) + ") as revision " + next.revision()
                        + ", keeping the current configuration");
            }
            List<Entry> newHistory = new ArrayList<>(history);
            newHistory.remove(target);
            newHistory = RevisionLabels.append(newHistory, next, config.historyLimit());
            return replace(service, current, history, newHistory, image, request.healthGate(), request.deadline(),
                    true, config, phases, true);
        }
    }

    private DeploymentResult replace(String service, InspectContainerResponse current, List<Entry> history,
                                     List<Entry> newHistory, String image, List<HealthCheck> gate, Duration deadline,
                                     boolean autoRollback, DockerDeployerConfig cfg, Phases phases,
                                     boolean isRollback) {
        String name = ServiceResolver.name(current);
        Entry from = last(history);
        Entry to = last(newHistory);
        String keptName = name + ".dr4j-r" + from.revision();
        boolean wasRunning = Boolean.TRUE.equals(current.getState().getRunning());
        SuccessorSpec successor = successorOf(current);
        Duration stopTimeout = successor.stopTimeout(cfg.stopTimeout());
        Map<String, String> labels = RevisionLabels.write(successor.ownLabels(), newHistory);

        removeStopped(keptName);
        rename(current.getId(), keptName);
        String newId;
        try {
            newId = engine.call("create the successor of " + name, () ->
                    successor.create(engine.client(), name, image, labels));
        } catch (RuntimeException e) {
            rename(current.getId(), name);
            throw new DeploymentException("could not create the successor of container " + name + " with image "
                    + image + " (" + e.getMessage() + "); nothing was changed", e);
        }
        phases.end("create");
        log.info("{}: created {} revision {} ({}), stopping revision {}", service, name, to.revision(), image,
                from.revision());
        if (wasRunning) {
            try {
                stop(current.getId(), stopTimeout);
            } catch (RuntimeException e) {
                removeQuietly(newId);
                rename(current.getId(), name);
                throw new DeploymentException("could not stop container " + name + " to replace it ("
                        + e.getMessage() + "); the successor was removed and nothing was changed", e);
            }
        }
        phases.end("stop-old");
        HealthGate.Verdict verdict;
        try {
            engine.run("start container " + name, () -> engine.client().startContainerCmd(newId).exec());
            phases.end("start");
            verdict = new HealthGate(engine, cfg.pollInterval(), cfg.minReady()).await(newId, name, gate, deadline);
            phases.end("health");
        } catch (DeploymentException e) {
            if (DockerEngine.isUnreachable(e)) {
                throw e;
            }
            phases.end("start");
            verdict = new HealthGate.Verdict(false, e.getMessage());
        }
        if (verdict.healthy()) {
            prune(name, cfg.keepPrevious());
            phases.end("cleanup");
            log.info("{}: revision {} ({}) is healthy", service, to.revision(), image);
            String what = isRollback ? "rolled back to the image of revision " + history.stream()
                    .filter(e -> e.imageId().equals(to.imageId())).findFirst().map(Entry::revision).orElse(0L)
                    + " (" + to.image() + ") as revision " + to.revision()
                    : "deployed " + to.image() + " as revision " + to.revision();
            return phases.result(service, isRollback ? Outcome.ROLLBACK_COMPLETED : Outcome.DEPLOYED,
                    revision(from, false, keptName), revision(to, true, name), what + " of " + service
                            + " (was revision " + from.revision() + ", " + from.image() + "); " + verdict.reason());
        }
        log.warn("{}: revision {} ({}) is not healthy: {}", service, to.revision(), image, verdict.reason());
        if (!autoRollback) {
            return phases.result(service, Outcome.FAILED, revision(from, false, keptName), revision(to, true, name),
                    "revision " + to.revision() + " (" + image + ") of " + service + " is not healthy ("
                            + verdict.reason() + ") and was left running because automatic rollback is off; "
                            + "roll back with rollback(\"" + service + "\")");
        }
        HealthGate.Verdict restored = new HealthGate.Verdict(true, "left stopped as it was");
        try {
            stop(newId, stopTimeout);
            removeStopped(name + ".dr4j-failed");
            rename(newId, name + ".dr4j-failed");
            rename(current.getId(), name);
            if (wasRunning) {
                engine.run("start container " + name,
                        () -> engine.client().startContainerCmd(current.getId()).exec());
                restored = new HealthGate(engine, cfg.pollInterval(), cfg.minReady()).await(current.getId(), name,
                        gate, deadline);
            }
        } catch (RuntimeException e) {
            phases.end("rollback");
            log.error("{}: automatic rollback failed", service, e);
            return phases.result(service, Outcome.FAILED, revision(from, false, keptName), revision(to, false, name),
                    "revision " + to.revision() + " (" + image + ") of " + service + " was not healthy ("
                            + verdict.reason() + ") and the automatic rollback failed (" + e.getMessage()
                            + "): needs a person; the previous container is " + current.getId().substring(0, 12)
                            + ", the new one " + newId.substring(0, 12) + " (see docker ps -a)");
        }
        phases.end("rollback");
        log.warn("{}: restored revision {} ({}); {}", service, from.revision(), from.image(), restored.reason());
        String failed = "revision " + to.revision() + " (" + image + ") of " + service + " was not healthy ("
                + verdict.reason() + "); it is kept stopped as " + name + ".dr4j-failed";
        if (!restored.healthy()) {
            return phases.result(service, Outcome.FAILED, revision(from, true, name), revision(from, true, name),
                    failed + "; revision " + from.revision() + " was restored but is not healthy either ("
                            + restored.reason() + "): needs a person");
        }
        return phases.result(service, Outcome.ROLLED_BACK, revision(from, true, name), revision(from, true, name),
                failed + "; rolled back to revision " + from.revision() + " (" + from.image() + ") in "
                        + human(phases.last("rollback")));
    }

    private Entry target(String service, List<Entry> history, long wanted) {
        Entry now = last(history);
        if (history.size() < 2) {
            throw new DeploymentException("service " + service + " has no earlier revision to roll back to: its "
                    + "history holds only revision " + now.revision() + " (" + now.image() + "); deploy another "
                    + "version first");
        }
        if (wanted == 0) {
            return history.get(history.size() - 2);
        }
        return history.stream().filter(e -> e.revision() == wanted).findFirst().orElseThrow(() ->
                new DeploymentException("service " + service + " has no revision " + wanted + "; its revisions are "
                        + String.join(", ", history.stream().map(e -> Long.toString(e.revision())).toList())
                        + " (see history(\"" + service + "\"))"));
    }

    private List<Entry> read(InspectContainerResponse c) {
        ContainerConfig cfg = c.getConfig();
        Map<String, String> labels = cfg.getLabels() == null ? Map.of() : cfg.getLabels();
        return RevisionLabels.read(ServiceResolver.name(c), labels, cfg.getImage(), c.getImageId(), c.getCreated());
    }

    private @Nullable ContainerConfig imageConfig(String imageId) {
        try {
            return engine.call("inspect image " + imageId,
                    () -> engine.client().inspectImageCmd(imageId).exec().getConfig());
        } catch (DeploymentException e) {
            if (e.getCause() instanceof NotFoundException) {
                return null;
            }
            throw e;
        }
    }

    private void stop(String id, Duration timeout) {
        try {
            engine.client().stopContainerCmd(id).withTimeout((int) Math.max(0, timeout.toSeconds())).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped / gone
        } catch (RuntimeException e) {
            engine.run("stop container " + id, () -> {
                throw e;
            });
        }
    }

    private SuccessorSpec successorOf(InspectContainerResponse c) {
        ContainerConfig image = imageConfig(c.getImageId());
        return new SuccessorSpec(c, image, engine.stopSettings("containers", c.getId()),
                image == null ? new DockerEngine.StopSettings(null, null)
                        : engine.stopSettings("images", c.getImageId()));
    }

    private void removeQuietly(String id) {
        try {
            engine.client().removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            log.warn("could not remove container {}: {}", shortId(id), e.getMessage());
        }
    }

    private void rename(String id, String newName) {
        engine.run("rename container " + shortId(id) + " to " + newName,
                () -> engine.client().renameContainerCmd(id).withName(newName).exec());
    }

    /** Removes a leftover container of that name; refuses to touch one that is running. */
    private void removeStopped(String name) {
        InspectContainerResponse c = services.inspectOrNull(name);
        if (c == null) {
            return;
        }
        if (Boolean.TRUE.equals(c.getState().getRunning())) {
            throw new DeploymentException("container " + name + " is running but dr4j needs that name for the "
                    + "container it keeps for rollback; stop or rename it");
        }
        engine.run("remove container " + name, () -> engine.client().removeContainerCmd(c.getId()).exec());
    }

    /** Keeps the {@code keep} newest stopped predecessors, removes the older ones. */
    private void prune(String name, int keep) {
        List<Container> kept = new ArrayList<>(services.kept(name).stream()
                .filter(c -> ServiceResolver.name(c).matches(java.util.regex.Pattern.quote(name) + "\\.dr4j-r\\d+"))
                .filter(c -> !"running".equals(c.getState()))
                .toList());
        kept.sort(Comparator.comparingLong((Container c) -> Long.parseLong(
                ServiceResolver.name(c).substring(ServiceResolver.name(c).lastIndexOf("-r") + 2))).reversed());
        for (int i = keep; i < kept.size(); i++) {
            Container c = kept.get(i);
            log.debug("removing old container {}", ServiceResolver.name(c));
            engine.run("remove container " + ServiceResolver.name(c),
                    () -> engine.client().removeContainerCmd(c.getId()).exec());
        }
    }

    private static Revision revision(Entry e, boolean current, @Nullable String container) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("imageId", e.imageId());
        if (container != null) {
            details.put("container", container);
        }
        if (e.digest() != null) {
            details.put("digest", e.digest());
        }
        return new Revision(e.revision(), e.imageWithDigest(), e.created(), e.changeCause(), current, details);
    }

    private static Entry last(List<Entry> history) {
        return history.get(history.size() - 1);
    }

    private static long nextNumber(List<Entry> history) {
        return history.stream().mapToLong(Entry::revision).max().orElse(0) + 1;
    }

    private Object lock(String service) {
        return locks.computeIfAbsent(service, k -> new Object());
    }

    static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    static String human(Duration d) {
        if (d.toMillis() < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        return d.toSeconds() < 120 ? d.toSeconds() + " s" : d.toMinutes() + " min";
    }

    @Override
    public void close() {
        if (ownsClient) {
            engine.close();
        }
    }

    @Override
    public String toString() {
        return "DockerDeployer[" + engine.host() + "]";
    }

    /** Durations of the phases of one call, in order. */
    private static final class Phases {
        private final long start = System.nanoTime();
        private long mark = start;
        private final Map<String, Duration> phases = new LinkedHashMap<>();

        void end(String phase) {
            long now = System.nanoTime();
            phases.merge(phase, Duration.ofNanos(now - mark), Duration::plus);
            mark = now;
        }

        Duration last(String phase) {
            return phases.getOrDefault(phase, Duration.ZERO);
        }

        DeploymentResult result(String service, Outcome outcome, @Nullable Revision from, @Nullable Revision to,
                                String message) {
            return new DeploymentResult(service, outcome, from, to, message, phases,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
