package io.dr4j.deploy.docker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;

import org.jspecify.annotations.Nullable;

/**
 * The configuration of a container's successor: everything the operator set on the old container (env, command,
 * entrypoint, labels, healthcheck, user, working dir, exposed ports, volumes, the whole host config with mounts,
 * network mode, port bindings, restart policy and resources, and the networks with their aliases), with the new
 * image. Settings the old container only inherited from its image are left out, so that the new image's own
 * defaults (its ENV, CMD, HEALTHCHECK, LABELs) apply — the way {@code docker compose up} recreates a container.
 *
 * <p>{@code StopSignal} and {@code StopTimeout} are not in docker-java's model; they are read from the raw inspect
 * JSON ({@link DockerEngine#stopSettings}).
 */
final class SuccessorSpec {
    private final InspectContainerResponse old;
    private final @Nullable ContainerConfig oldImage;
    private final DockerEngine.StopSettings stop;
    private final DockerEngine.StopSettings imageStop;

    /**
     * @param old      the running container
     * @param oldImage the configuration of the image it was created from; null when that image is gone (then every
     *                 setting counts as the operator's)
     */
    SuccessorSpec(InspectContainerResponse old, @Nullable ContainerConfig oldImage, DockerEngine.StopSettings stop,
                  DockerEngine.StopSettings imageStop) {
        this.old = old;
        this.oldImage = oldImage;
        this.stop = stop;
        this.imageStop = imageStop;
    }

    /** The settings the operator gave (not inherited from the image), for dry runs; env by name only. */
    Map<String, Object> explicitSettings() {
        ContainerConfig c = old.getConfig();
        Map<String, Object> m = new LinkedHashMap<>();
        // names only: env values often hold passwords and tokens
        m.put("env", env(c).stream().map(e -> e.contains("=") ? e.substring(0, e.indexOf('=')) : e).toList());
        putIfSet(m, "cmd", own(c.getCmd(), img(ContainerConfig::getCmd)));
        putIfSet(m, "entrypoint", own(c.getEntrypoint(), img(ContainerConfig::getEntrypoint)));
        putIfSet(m, "healthcheck", Objects.equals(c.getHealthcheck(), imgHealth()) ? null : c.getHealthcheck());
        putIfSet(m, "stopSignal", stop.signal() == null || stop.signal().equals(imageStop.signal())
                ? null : stop.signal());
        putIfSet(m, "stopTimeout", stop.timeoutSeconds());
        putIfSet(m, "user", ownString(c.getUser(), img(ContainerConfig::getUser)));
        putIfSet(m, "workingDir", ownString(c.getWorkingDir(), img(ContainerConfig::getWorkingDir)));
        HostConfig h = old.getHostConfig();
        if (h != null) {
            putIfSet(m, "networkMode", h.getNetworkMode());
            putIfSet(m, "restartPolicy", h.getRestartPolicy() == null ? null : h.getRestartPolicy().toString());
            putIfSet(m, "binds", h.getBinds() == null || h.getBinds().length == 0 ? null : List.of(h.getBinds()));
        }
        return m;
    }

    /** Creates (does not start) the successor named {@code name} running {@code image} with {@code labels}. */
    String create(DockerClient docker, String name, String image, Map<String, String> ownLabels) {
        ContainerConfig c = old.getConfig();
        CreateContainerCmd cmd = docker.createContainerCmd(image).withName(name);
        List<String> env = env(c);
        if (!env.isEmpty()) {
            cmd.withEnv(env);
        }
        String[] command = own(c.getCmd(), img(ContainerConfig::getCmd));
        if (command != null) {
            cmd.withCmd(command);
        }
        String[] entrypoint = own(c.getEntrypoint(), img(ContainerConfig::getEntrypoint));
        if (entrypoint != null) {
            cmd.withEntrypoint(entrypoint);
        }
        if (c.getHealthcheck() != null && !Objects.equals(c.getHealthcheck(), imgHealth())) {
            cmd.withHealthcheck(c.getHealthcheck());
        }
        String user = ownString(c.getUser(), img(ContainerConfig::getUser));
        if (user != null) {
            cmd.withUser(user);
        }
        String workDir = ownString(c.getWorkingDir(), img(ContainerConfig::getWorkingDir));
        if (workDir != null) {
            cmd.withWorkingDir(workDir);
        }
        String hostname = c.getHostName();
        HostConfig host = old.getHostConfig();
        boolean sharedUts = host != null && host.getNetworkMode() != null
                && (host.getNetworkMode().equals("host") || host.getNetworkMode().startsWith("container:"));
        if (hostname != null && !sharedUts && !old.getId().startsWith(hostname)) {
            cmd.withHostName(hostname);
        }
        if (c.getDomainName() != null && !c.getDomainName().isEmpty()) {
            cmd.withDomainName(c.getDomainName());
        }
        cmd.withTty(c.getTty()).withStdinOpen(c.getStdinOpen()).withStdInOnce(c.getStdInOnce())
                .withAttachStdin(c.getAttachStdin()).withAttachStdout(c.getAttachStdout())
                .withAttachStderr(c.getAttachStderr());
        if (stop.signal() != null && !stop.signal().equals(imageStop.signal())) {
            cmd.withStopSignal(stop.signal());
        }
        if (stop.timeoutSeconds() != null) {
            cmd.withStopTimeout(stop.timeoutSeconds());
        }
        List<ExposedPort> ports = ownPorts(c);
        if (!ports.isEmpty()) {
            cmd.withExposedPorts(ports);
        }
        List<Volume> volumes = ownVolumes(c);
        if (!volumes.isEmpty()) {
            cmd.withVolumes(volumes);
        }
        cmd.withLabels(ownLabels);
        if (host != null) {
            cmd.withHostConfig(withAnonymousVolumes(host));
        }
        String primary = host == null ? null : host.getNetworkMode();
        Map<String, ContainerNetwork> networks = networks();
        ContainerNetwork primaryNet = primary == null ? null : networks.get(primary);
        if (primaryNet != null && primaryNet.getAliases() != null) {
            List<String> aliases = ownAliases(primaryNet);
            if (!aliases.isEmpty()) {
                cmd.withAliases(aliases);
            }
        }
        String id = cmd.exec().getId();
        for (Map.Entry<String, ContainerNetwork> e : networks.entrySet()) {
            if (e.getKey().equals(primary) || isBuiltinNetwork(e.getKey())) {
                continue;
            }
            docker.connectToNetworkCmd().withNetworkId(e.getKey()).withContainerId(id)
                    .withContainerNetwork(new ContainerNetwork().withAliases(ownAliases(e.getValue()))).exec();
        }
        return id;
    }

    /** How long the old container gets to stop: its own {@code StopTimeout}, else {@code fallback}. */
    java.time.Duration stopTimeout(java.time.Duration fallback) {
        return stop.timeoutSeconds() == null ? fallback : java.time.Duration.ofSeconds(stop.timeoutSeconds());
    }

    /** The labels the operator (or Compose) set, without the image's and without dr4j's own. */
    Map<String, String> ownLabels() {
        Map<String, String> labels = old.getConfig().getLabels() == null ? Map.of() : old.getConfig().getLabels();
        Map<String, String> imageLabels = oldImage == null || oldImage.getLabels() == null
                ? Map.of() : oldImage.getLabels();
        Map<String, String> own = new LinkedHashMap<>();
        RevisionLabels.withoutOwn(labels).forEach((k, v) -> {
            if (!v.equals(imageLabels.get(k))) {
                own.put(k, v);
            }
        });
        return own;
    }

    private List<String> env(ContainerConfig c) {
        String[] env = c.getEnv();
        if (env == null) {
            return List.of();
        }
        Set<String> inherited = new HashSet<>(Arrays.asList(Objects.requireNonNullElse(
                img(ContainerConfig::getEnv), new String[0])));
        List<String> own = new ArrayList<>();
        for (String e : env) {
            if (!inherited.contains(e)) {
                own.add(e);
            }
        }
        return own;
    }

    private List<ExposedPort> ownPorts(ContainerConfig c) {
        if (c.getExposedPorts() == null) {
            return List.of();
        }
        Set<ExposedPort> inherited = new HashSet<>();
        if (oldImage != null && oldImage.getExposedPorts() != null) {
            inherited.addAll(Arrays.asList(oldImage.getExposedPorts()));
        }
        return Arrays.stream(c.getExposedPorts()).filter(p -> !inherited.contains(p)).toList();
    }

    private List<Volume> ownVolumes(ContainerConfig c) {
        if (c.getVolumes() == null) {
            return List.of();
        }
        Set<String> inherited = oldImage == null || oldImage.getVolumes() == null
                ? Set.of() : oldImage.getVolumes().keySet();
        return c.getVolumes().keySet().stream().filter(v -> !inherited.contains(v)).map(Volume::new).toList();
    }

    /** Anonymous volumes of the old container become named binds so the successor keeps their data. */
    private HostConfig withAnonymousVolumes(HostConfig host) {
        if (old.getMounts() == null) {
            return host;
        }
        List<Bind> binds = new ArrayList<>(host.getBinds() == null ? List.of() : List.of(host.getBinds()));
        Set<String> covered = new HashSet<>();
        binds.forEach(b -> covered.add(b.getVolume().getPath()));
        if (host.getMounts() != null) {
            host.getMounts().forEach(m -> covered.add(m.getTarget()));
        }
        boolean added = false;
        for (InspectContainerResponse.Mount m : old.getMounts()) {
            if ("volume".equals(String.valueOf(mountType(m))) && m.getName() != null && m.getDestination() != null
                    && !covered.contains(m.getDestination().getPath())) {
                binds.add(new Bind(m.getName(), m.getDestination()));
                added = true;
            }
        }
        return added ? host.withBinds(binds) : host;
    }

    private static @Nullable String mountType(InspectContainerResponse.Mount m) {
        // docker-java's Mount has no type getter in every version; a mount with a driver is a volume
        return m.getDriver() != null && !m.getDriver().isEmpty() ? "volume" : null;
    }

    private Map<String, ContainerNetwork> networks() {
        if (old.getNetworkSettings() == null || old.getNetworkSettings().getNetworks() == null) {
            return Map.of();
        }
        return old.getNetworkSettings().getNetworks();
    }

    private List<String> ownAliases(ContainerNetwork n) {
        if (n.getAliases() == null) {
            return List.of();
        }
        String shortId = old.getId().substring(0, Math.min(12, old.getId().length()));
        return n.getAliases().stream().filter(a -> !a.equals(shortId) && !old.getId().startsWith(a)).toList();
    }

    private static boolean isBuiltinNetwork(String name) {
        return name.equals("host") || name.equals("none") || name.equals("bridge") || name.equals("default");
    }

    private <T> @Nullable T img(java.util.function.Function<ContainerConfig, @Nullable T> f) {
        return oldImage == null ? null : f.apply(oldImage);
    }

    private com.github.dockerjava.api.model.@Nullable HealthCheck imgHealth() {
        return oldImage == null ? null : oldImage.getHealthcheck();
    }

    private static String @Nullable [] own(String @Nullable [] value, String @Nullable [] inherited) {
        if (value == null || value.length == 0 || Arrays.equals(value, inherited)) {
            return null;
        }
        return value;
    }

    private static @Nullable String ownString(@Nullable String value, @Nullable String inherited) {
        if (value == null || value.isEmpty() || value.equals(inherited)) {
            return null;
        }
        return value;
    }

    private static void putIfSet(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value instanceof String[] a ? List.of(a) : value);
        }
    }
}
