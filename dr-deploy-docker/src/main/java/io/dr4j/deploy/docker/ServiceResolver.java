package io.dr4j.deploy.docker;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;

import io.dr4j.core.deploy.DeploymentException;

import org.jspecify.annotations.Nullable;

/**
 * Finds the container of a service: a container of that name, else the container of a Compose service
 * ({@code com.docker.compose.service}, optionally {@code project/service} to also match
 * {@code com.docker.compose.project}). Containers dr4j keeps for rollback ({@code <name>.dr4j-r<n>},
 * {@code <name>.dr4j-failed}) and Compose one-off containers are never a service's container.
 */
final class ServiceResolver {
    static final String COMPOSE_PROJECT = "com.docker.compose.project";
    static final String COMPOSE_SERVICE = "com.docker.compose.service";
    static final String COMPOSE_ONEOFF = "com.docker.compose.oneoff";
    static final Pattern KEPT = Pattern.compile(".*\\.dr4j-(r\\d+|failed)$");

    private final DockerEngine engine;

    ServiceResolver(DockerEngine engine) {
        this.engine = engine;
    }

    InspectContainerResponse resolve(String service) {
        if (service.isBlank()) {
            throw new DeploymentException("the service name is empty; give a container name or a Compose service");
        }
        if (!service.contains("/") && !KEPT.matcher(service).matches()) {
            InspectContainerResponse byName = inspectOrNull(service);
            if (byName != null) {
                return byName;
            }
        }
        String project = null;
        String svc = service;
        int slash = service.indexOf('/');
        if (slash > 0) {
            project = service.substring(0, slash);
            svc = service.substring(slash + 1);
        }
        Map<String, String> filter = project == null
                ? Map.of(COMPOSE_SERVICE, svc)
                : Map.of(COMPOSE_SERVICE, svc, COMPOSE_PROJECT, project);
        List<Container> found = engine.call("list containers of service " + service, () ->
                engine.client().listContainersCmd().withShowAll(true).withLabelFilter(filter).exec()).stream()
                .filter(c -> !"True".equalsIgnoreCase(label(c, COMPOSE_ONEOFF)))
                .filter(c -> !KEPT.matcher(name(c)).matches())
                .sorted(Comparator.comparing(ServiceResolver::name))
                .toList();
        if (found.isEmpty()) {
            List<Container> leftovers = service.contains("/") ? List.of() : kept(service);
            if (leftovers.stream().anyMatch(c -> "running".equals(c.getState()))) {
                throw new DeploymentException("service '" + service + "' has no container of that name, but "
                        + name(leftovers.get(0)) + " is running: an earlier deploy was interrupted; rename it back "
                        + "with `docker rename " + name(leftovers.get(0)) + " " + service + "`");
            }
            throw new DeploymentException("unknown service '" + service + "': no container of that name and no "
                    + "Compose service with label " + COMPOSE_SERVICE + "=" + svc
                    + (project == null ? "" : " in project " + project) + " on the Docker engine at "
                    + engine.host() + "; check the name with `docker ps -a`");
        }
        if (found.size() > 1) {
            throw new DeploymentException("service '" + service + "' matches " + found.size() + " containers ("
                    + String.join(", ", found.stream().map(ServiceResolver::name).toList()) + "); dr4j replaces "
                    + "one container per call: name one container, or use project/service to pick the project");
        }
        return engine.call("inspect container " + name(found.get(0)), () ->
                engine.client().inspectContainerCmd(found.get(0).getId()).exec());
    }

    /** Stopped predecessors kept for rollback: name → container, for a service container named {@code name}. */
    List<Container> kept(String name) {
        return engine.call("list containers kept for " + name, () -> engine.client().listContainersCmd()
                        .withShowAll(true).withNameFilter(List.of(name + ".dr4j-")).exec()).stream()
                .filter(c -> name(c).startsWith(name + ".dr4j-"))
                .toList();
    }

    @Nullable InspectContainerResponse inspectOrNull(String nameOrId) {
        try {
            return engine.call("inspect container " + nameOrId,
                    () -> engine.client().inspectContainerCmd(nameOrId).exec());
        } catch (DeploymentException e) {
            if (e.getCause() instanceof NotFoundException) {
                return null;
            }
            throw e;
        }
    }

    static String name(Container c) {
        String[] names = c.getNames();
        if (names == null || names.length == 0) {
            return c.getId();
        }
        return names[0].replaceFirst("^/", "");
    }

    static String name(InspectContainerResponse c) {
        return c.getName() == null ? c.getId() : c.getName().replaceFirst("^/", "");
    }

    private static String label(Container c, String key) {
        return c.getLabels() == null ? "" : c.getLabels().getOrDefault(key, "");
    }
}
