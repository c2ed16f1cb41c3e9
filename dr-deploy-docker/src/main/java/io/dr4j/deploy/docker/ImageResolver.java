package io.dr4j.deploy.docker;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.deploy.docker.DockerDeployerConfig.PullPolicy;
import io.dr4j.deploy.docker.RevisionLabels.Entry;

import org.jspecify.annotations.Nullable;

/** Finds an image on the engine, pulling it when allowed, before anything about the service is changed. */
final class ImageResolver {
    private static final long PULL_MINUTES = 10;

    /**
     * @param id     the image id, null only in a dry run for an image that would have to be pulled
     * @param digest a registry digest reference of the image for the requested repository, if it has one
     */
    record Resolved(@Nullable String id, @Nullable String digest) {
    }

    private final DockerEngine engine;

    ImageResolver(DockerEngine engine) {
        this.engine = engine;
    }

    Resolved resolve(String ref, PullPolicy pull, boolean dryRun) {
        InspectImageResponse image = inspect(ref);
        if (image == null) {
            if (pull == PullPolicy.NEVER) {
                throw new DeploymentException("image " + ref + " is not on the Docker engine at " + engine.host()
                        + " and pulling is off (pull=never); build or load it there first (docker build / docker "
                        + "load); nothing was changed");
            }
            if (dryRun) {
                return new Resolved(null, null);
            }
            pull(ref);
            image = inspect(ref);
            if (image == null) {
                throw new DeploymentException("image " + ref + " was pulled but the Docker engine at "
                        + engine.host() + " still does not know it; nothing was changed");
            }
        }
        return new Resolved(image.getId(), digestFor(ref, image.getRepoDigests()));
    }

    /** The reference to create a revision's container from: its tag while that still names the same image. */
    String forRevision(Entry target, PullPolicy pull, boolean dryRun) {
        InspectImageResponse byId = inspect(target.imageId());
        if (byId == null) {
            String pinned = target.digest();
            if (pinned != null && pull == PullPolicy.MISSING && !dryRun) {
                pull(pinned);
                byId = inspect(target.imageId());
            }
            if (byId == null) {
                throw new DeploymentException("the image of revision " + target.revision() + " (" + target.image()
                        + ", id " + DockerDeployer.shortId(target.imageId()) + ") is no longer on the Docker "
                        + "engine at " + engine.host() + (pinned == null ? " and has no registry digest to pull"
                        : " and could not be pulled") + "; load it again (docker load) or deploy it by tag; "
                        + "nothing was changed");
            }
        }
        InspectImageResponse byRef = inspect(target.image());
        return byRef != null && target.imageId().equals(byRef.getId()) ? target.image() : target.imageId();
    }

    private void pull(String ref) {
        String withTag = hasTagOrDigest(ref) ? ref : ref + ":latest";
        try {
            boolean done = engine.client().pullImageCmd(withTag).exec(new PullImageResultCallback())
                    .awaitCompletion(PULL_MINUTES, TimeUnit.MINUTES);
            if (!done) {
                throw new DeploymentException("pulling image " + ref + " took more than " + PULL_MINUTES
                        + " minutes; pull it by hand (docker pull) and deploy again; nothing was changed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException("interrupted while pulling " + ref + "; nothing was changed", e);
        } catch (DeploymentException e) {
            throw e;
        } catch (RuntimeException e) {
            if (DockerEngine.isUnreachable(e) && !(e instanceof com.github.dockerjava.api.exception.DockerException)) {
                throw engine.unreachable(e);
            }
            throw new DeploymentException("image " + ref + " is not on the Docker engine at " + engine.host()
                    + " and could not be pulled (" + DockerEngine.firstLine(e.getMessage()) + "); build or load it "
                    + "there (docker build / docker load) or check the image name, registry and credentials; "
                    + "nothing was changed", e);
        }
    }

    private @Nullable InspectImageResponse inspect(String ref) {
        try {
            return engine.call("inspect image " + ref, () -> engine.client().inspectImageCmd(ref).exec());
        } catch (DeploymentException e) {
            if (e.getCause() instanceof NotFoundException) {
                return null;
            }
            throw e;
        }
    }

    static boolean hasTagOrDigest(String ref) {
        int slash = ref.lastIndexOf('/');
        String last = ref.substring(slash + 1);
        return last.contains(":") || last.contains("@");
    }

    static @Nullable String digestFor(String ref, @Nullable List<String> repoDigests) {
        if (repoDigests == null || repoDigests.isEmpty()) {
            return null;
        }
        String repo = repository(ref);
        return repoDigests.stream().filter(d -> repository(d).equals(repo)).findFirst().orElse(null);
    }

    /** {@code registry:5000/app:1.2@sha256:..} → {@code registry:5000/app}. */
    static String repository(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(0, colon) : r;
    }
}
