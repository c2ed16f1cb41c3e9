package io.dr4j.core.storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/**
 * Provides {@link MirroredBackupTarget} for {@code mirror:} URIs: the mirrors' locations separated by commas,
 * e.g. {@code mirror:file:/var/backups/db,s3://bucket/db}. Each location is opened through the registry, so every
 * installed scheme can be mirrored. The write policy comes from {@code dr.storage.mirror.policy}
 * ({@code DR_STORAGE_MIRROR_POLICY}): {@code all} (default) or {@code at-least-one}.
 */
public final class MirroredBackupTargetProvider implements BackupTargetProvider {

    @Override
    public String id() {
        return "mirror";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("mirror");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-core";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        String ssp = location.getSchemeSpecificPart();
        if (ssp == null || ssp.isBlank()) {
            throw new ConfigurationException("mirror: location '" + BackupTargets.redact(location) + "' names no "
                    + "targets. Use mirror:<location>,<location>, e.g. mirror:file:/var/backups/db,s3://bucket/db");
        }
        MirroredBackupTarget.Builder b = MirroredBackupTarget.builder()
                .policy(MirroredBackupTarget.WritePolicy.parse(config.get("dr.storage.mirror.policy", "all")));
        List<BackupTarget> opened = new ArrayList<>();
        try {
            for (String part : ssp.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    throw new ConfigurationException("mirror: location '" + BackupTargets.redact(location)
                            + "' has an empty entry. Separate the mirrors' locations with single commas");
                }
                URI u = BackupTargets.parse(p);
                if ("mirror".equalsIgnoreCase(u.getScheme())) {
                    throw new ConfigurationException("mirror: locations cannot be nested ('"
                            + BackupTargets.redact(u) + "')");
                }
                BackupTarget t = BackupTargets.open(u, config);
                opened.add(t);
                b.target(t);
            }
        } catch (RuntimeException e) {
            opened.forEach(BackupTarget::close);
            throw e;
        }
        return b.build();
    }
}
