package io.dr4j.core.storage.spi;

import java.net.URI;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;

/**
 * Creates {@link BackupTarget}s for a URI scheme. Stateless, public no-arg constructor, registered in
 * {@code META-INF/services/io.dr4j.core.storage.spi.BackupTargetProvider}.
 */
public interface BackupTargetProvider {

    /** Short id shown in errors and logs, e.g. {@code "s3"}. */
    String id();

    /** URI schemes this provider handles, e.g. {@code "s3"}; used to list installed schemes in errors. */
    java.util.Set<String> schemes();

    /** Whether this provider handles the location. */
    default boolean supports(URI location) {
        return location.getScheme() != null && schemes().contains(location.getScheme().toLowerCase(java.util.Locale.ROOT));
    }

    /** Higher wins when two providers support a location. */
    default int priority() {
        return 0;
    }

    /** The Maven coordinates of the artifact that ships this provider (named in "no provider" errors). */
    String artifact();

    /** Creates a configured target. Keys of {@code config} are relative to the provider's namespace. */
    BackupTarget create(URI location, ProviderConfig config);
}
