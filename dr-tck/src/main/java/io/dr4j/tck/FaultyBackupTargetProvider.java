package io.dr4j.tck;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/**
 * {@code faulty:<location>}: the target at {@code <location>} wrapped in a {@link FaultyBackupTarget}, so that a
 * program that only takes a repository location (the {@code dr} command line, a configuration file) can be run
 * against failing storage. Not registered by dr-tck itself: register it in your <em>test</em> class path
 * ({@code src/test/resources/META-INF/services/io.dr4j.core.storage.spi.BackupTargetProvider}).
 *
 * <p>The faults come from the configuration: {@code dr.faulty.ops} (comma-separated {@link FaultyBackupTarget.Operation}s,
 * default {@code PUT}), {@code dr.faulty.fault} (a {@link FaultyBackupTarget.Fault}, default {@code ERROR}),
 * {@code dr.faulty.every} (every nth call, default 1: always, a persistent fault), {@code dr.faulty.keys} (a regular
 * expression the object key must match, default every key except {@code repository.json}, so that the repository can
 * still be opened) and {@code dr.faulty.seed}.
 */
public final class FaultyBackupTargetProvider implements BackupTargetProvider {

    @Override
    public String id() {
        return "faulty";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("faulty");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-tck (test class path only)";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        String inner = location.getSchemeSpecificPart();
        if (inner == null || inner.isBlank()) {
            throw new ConfigurationException("faulty: location names no target; use faulty:<location>, e.g. "
                    + "faulty:file:/tmp/repo");
        }
        FaultyBackupTarget t = FaultyBackupTarget.wrap(BackupTargets.open(BackupTargets.parse(inner), config),
                config.getLong("dr.faulty.seed", 1));
        FaultyBackupTarget.Fault fault = FaultyBackupTarget.Fault.valueOf(
                config.get("dr.faulty.fault", "ERROR").trim().toUpperCase(Locale.ROOT));
        int every = config.getInt("dr.faulty.every", 1);
        Pattern keys = Pattern.compile(config.get("dr.faulty.keys", "(?!repository\\.json$).*"));
        Arrays.stream(config.get("dr.faulty.ops", "PUT").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> FaultyBackupTarget.Operation.valueOf(s.toUpperCase(Locale.ROOT)))
                .forEach(op -> t.inject(op, fault, FaultyBackupTarget.Trigger.everyNth(every),
                        k -> keys.matcher(k).matches()));
        return t;
    }
}
