package io.dr4j.deploy.docker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dr4j.core.deploy.DeploymentException;

import org.jspecify.annotations.Nullable;

/**
 * The revision history dr4j keeps on the labels of a service's current container, so that it survives restarts of
 * the embedding process: {@code io.dr4j.revision}, {@code io.dr4j.image}, {@code io.dr4j.change-cause} and the
 * whole history as JSON in {@code io.dr4j.history} (oldest first, the current revision last).
 */
final class RevisionLabels {
    static final String PREFIX = "io.dr4j.";
    static final String REVISION = "io.dr4j.revision";
    static final String IMAGE = "io.dr4j.image";
    static final String CHANGE_CAUSE = "io.dr4j.change-cause";
    static final String HISTORY = "io.dr4j.history";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * One recorded revision.
     *
     * @param revision    the number
     * @param image       the image as requested (tag or digest reference)
     * @param imageId     the image's id ({@code sha256:...}): what the container really ran
     * @param createdAt   ISO-8601 instant of the deployment
     * @param changeCause why
     * @param digest      the registry digest reference ({@code repo@sha256:...}) when the image came from one
     */
    record Entry(long revision, String image, String imageId, @Nullable String createdAt,
                 @Nullable String changeCause, @Nullable String digest) {
        Entry {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(imageId, "imageId");
        }

        /** The image as requested, pinned to its registry digest where known ({@code repo:tag@sha256:...}). */
        String imageWithDigest() {
            if (image.contains("@") || digest == null || !digest.contains("@")) {
                return image;
            }
            return image + digest.substring(digest.indexOf('@'));
        }

        @Nullable Instant created() {
            try {
                return createdAt == null ? null : Instant.parse(createdAt);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    private RevisionLabels() {
    }

    /**
     * The history recorded on a container; a container dr4j never deployed has one implicit revision 1: itself.
     */
    static List<Entry> read(String containerName, Map<String, String> labels, String configImage, String imageId,
                            @Nullable String created) {
        String json = labels.get(HISTORY);
        if (json == null || json.isBlank()) {
            return List.of(new Entry(1, configImage, imageId, created, labels.get(CHANGE_CAUSE), null));
        }
        try {
            List<Entry> entries = JSON.readValue(json, new TypeReference<List<Entry>>() { });
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("empty history");
            }
            return List.copyOf(entries);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new DeploymentException("the " + HISTORY + " label of container " + containerName
                    + " is not a dr4j history (" + e.getMessage() + "); remove the io.dr4j.* labels by recreating "
                    + "the container to start a new history", e);
        }
    }

    /** The labels that record {@code history} (current revision last), added to {@code base}. */
    static Map<String, String> write(Map<String, String> base, List<Entry> history) {
        Map<String, String> labels = new LinkedHashMap<>(withoutOwn(base));
        Entry current = history.get(history.size() - 1);
        labels.put(REVISION, Long.toString(current.revision()));
        labels.put(IMAGE, current.image());
        if (current.changeCause() != null) {
            labels.put(CHANGE_CAUSE, current.changeCause());
        }
        try {
            labels.put(HISTORY, JSON.writeValueAsString(history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the revision history", e);
        }
        return labels;
    }

    /** {@code history} plus {@code next}, trimmed to the {@code limit} newest entries. */
    static List<Entry> append(List<Entry> history, Entry next, int limit) {
        List<Entry> all = new ArrayList<>(history);
        all.add(next);
        while (all.size() > limit) {
            all.remove(0);
        }
        return List.copyOf(all);
    }

    static Map<String, String> withoutOwn(Map<String, String> labels) {
        Map<String, String> m = new HashMap<>();
        labels.forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                m.put(k, v);
            }
        });
        return m;
    }
}
