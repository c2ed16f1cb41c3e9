package io.dr4j.core.storage.spi;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;

import org.jspecify.annotations.Nullable;

/**
 * A base for the builders of targets in an object store reached over the network (S3, GCS, ...): it holds the
 * settings every such store has (an endpoint override, the attempts per request, whether to check the bucket when
 * opening), validates them together with the store's own settings so that one {@link ConfigurationException} lists
 * every problem, and opens the target the same way: build the client, then check the bucket and close the target
 * again when that check fails.
 *
 * <p>A plugin extends it with its own settings and implements {@link #addProblems}, {@link #open} and
 * {@link #verify}; the setters here return the plugin's builder, so calls chain in any order.
 *
 * @param <B> the plugin's builder
 * @param <T> the target it builds
 */
public abstract class RemoteTargetBuilder<B extends RemoteTargetBuilder<B, T>, T extends BackupTarget> {
    private final String namespace;
    private final String endpointExample;
    private final String credentialSettings;
    private @Nullable URI endpoint;
    private int maxAttempts = 6;
    private boolean verifyOnOpen = true;

    /**
     * @param namespace          the configuration namespace named in problems, e.g. {@code dr.storage.s3}
     * @param endpointExample    an endpoint shown in the problem about an invalid one, e.g. {@code http://minio:9000}
     * @param credentialSettings where credentials go instead of the endpoint's user info, e.g.
     *                           {@code dr.storage.s3.access-key-id and dr.storage.s3.secret-access-key}
     */
    protected RemoteTargetBuilder(String namespace, String endpointExample, String credentialSettings) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.endpointExample = Objects.requireNonNull(endpointExample, "endpointExample");
        this.credentialSettings = Objects.requireNonNull(credentialSettings, "credentialSettings");
    }

    /** An S3- or GCS-compatible store, an emulator or a private endpoint; null (default): the service's own. */
    public final B endpoint(@Nullable URI endpoint) {
        this.endpoint = endpoint;
        return self();
    }

    /** Attempts per request including the first, for 5xx, throttling, network errors and timeouts; default 6. */
    public final B maxAttempts(int attempts) {
        this.maxAttempts = attempts;
        return self();
    }

    /** Whether {@link #build()} checks the bucket (and its retention or lock settings); default true. */
    public final B verifyOnOpen(boolean verify) {
        this.verifyOnOpen = verify;
        return self();
    }

    /** The endpoint override, or null for the service's own. */
    protected final @Nullable URI endpoint() {
        return endpoint;
    }

    protected final int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Validates every setting (all problems at once), opens the target and, unless {@link #verifyOnOpen} is off,
     * checks the bucket; a target whose check fails is closed before the failure is thrown.
     *
     * @throws ConfigurationException listing every invalid setting
     */
    public final T build() {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems, null);
        }
        T target = open();
        if (verifyOnOpen) {
            try {
                verify(target);
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        }
        return target;
    }

    /** Every problem with the current settings, one sentence each naming the setting; empty when all are valid. */
    public final List<String> validate() {
        List<String> problems = new ArrayList<>();
        addProblems(problems);
        if (maxAttempts < 1) {
            problems.add(namespace + ".max-attempts must be at least 1, was " + maxAttempts);
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")))) {
            problems.add(namespace + ".endpoint must be an http(s) URL such as " + endpointExample + ", was '"
                    + BackupTargets.redact(endpoint) + "'");
        }
        if (endpoint != null && endpoint.getUserInfo() != null) {
            problems.add(namespace + ".endpoint must not contain credentials; use " + credentialSettings);
        }
        return problems;
    }

    /**
     * Adds a problem for each invalid setting of the plugin's own (the location first: it is required).
     * {@link #checkRetention} covers a retention mode and its duration.
     */
    protected abstract void addProblems(List<String> problems);

    /** Builds the client (unless one was given) and the target; the settings are valid. */
    protected abstract T open();

    /** Checks the bucket with the target's client; throws naming the bucket and the fix. */
    protected abstract void verify(T target);

    /**
     * The two problems of a retention (or lock) mode and its duration: a mode without a positive duration, and a
     * duration without a mode.
     *
     * @param modeKey      e.g. {@code dr.storage.s3.object-lock.mode}
     * @param durationKey  e.g. {@code dr.storage.s3.object-lock.retention}
     * @param modes        the modes named in the fix, e.g. {@code GOVERNANCE or COMPLIANCE}
     */
    protected static void checkRetention(List<String> problems, String modeKey, @Nullable Object mode,
            String durationKey, @Nullable Duration duration, String modes) {
        if (mode != null && (duration == null || duration.isNegative() || duration.isZero())) {
            problems.add(modeKey + "=" + mode + " needs a positive " + durationKey + ", e.g. 35d");
        }
        if (mode == null && duration != null) {
            problems.add(durationKey + " is set without " + modeKey + " (" + modes + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
