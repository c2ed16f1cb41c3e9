package io.dr4j.postgres.junit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.config.Secret;
import io.dr4j.core.restore.RecoveryTarget;

import org.jspecify.annotations.Nullable;

/**
 * What to restore for a test and where it runs: from {@link PostgresRestoreExtension.Builder} or a
 * {@link RestoredDatabase} annotation.
 */
record RestoreSpec(String repository, @Nullable KeyProvider key, @Nullable String backup, RestoredDatabase.Kind kind,
                   RecoveryTarget target, @Nullable String database, String user, @Nullable Secret password,
                   List<ScratchProvider> providers, RestoredDatabase.Lifecycle lifecycle) {
    RestoreSpec {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(user, "user");
        providers = List.copyOf(providers);
        Objects.requireNonNull(lifecycle, "lifecycle");
        if (providers.isEmpty()) {
            throw new ConfigurationException("No scratch provider: give at least one (ScratchProvider.machineBinaries(), "
                    + "zonky() or testcontainers(image))");
        }
    }

    static RestoreSpec of(RestoredDatabase a) {
        String where = "@RestoredDatabase";
        String repository = resolve(a.repository(), where + "(repository)");
        if (repository.isBlank()) {
            throw new ConfigurationException(where + "(repository) is empty: give a location such as "
                    + "file:///var/backups/db or ${DR_TEST_REPOSITORY}");
        }
        KeyProvider key = null;
        if (!a.keyVariable().isEmpty()) {
            String k = variable(a.keyVariable(), where + "(keyVariable)");
            key = KeyProvider.of(Secret.of(k), "variable " + a.keyVariable() + " named by @RestoredDatabase(keyVariable)");
        }
        Secret password = a.passwordVariable().isEmpty() ? null
                : Secret.of(variable(a.passwordVariable(), where + "(passwordVariable)"));
        List<ScratchProvider> providers = new ArrayList<>();
        for (RestoredDatabase.Scratch s : a.scratch()) {
            providers.add(switch (s) {
                case MACHINE -> ScratchProvider.machineBinaries();
                case ZONKY -> ScratchProvider.zonky();
                case TESTCONTAINERS -> a.hostNetwork() ? ScratchProvider.testcontainersHostNetwork(a.image())
                        : ScratchProvider.testcontainers(a.image());
            });
        }
        String database = a.database().isEmpty() ? null : resolve(a.database(), where + "(database)");
        String backup = a.backup().isEmpty() || a.backup().equals("latest") ? null : resolve(a.backup(), where + "(backup)");
        return new RestoreSpec(repository, key, backup, a.kind(), target(a.targetTime(), a.targetLsn(), a.targetName()), database,
                resolve(a.user(), where + "(user)"), password, providers, a.lifecycle());
    }

    static RecoveryTarget target(String time, String lsn, String name) {
        if ((time.isEmpty() ? 0 : 1) + (lsn.isEmpty() ? 0 : 1) + (name.isEmpty() ? 0 : 1) > 1) {
            throw new ConfigurationException("@RestoredDatabase has more than one of targetTime, targetLsn and "
                    + "targetName: give one");
        }
        if (!name.isEmpty()) {
            return RecoveryTarget.name(resolve(name, "@RestoredDatabase(targetName)"));
        }
        if (!time.isEmpty()) {
            String t = resolve(time, "@RestoredDatabase(targetTime)");
            try {
                return RecoveryTarget.time(Instant.parse(t));
            } catch (DateTimeParseException e) {
                throw new ConfigurationException("@RestoredDatabase(targetTime = \"" + t + "\") is not an ISO-8601 "
                        + "instant such as 2026-11-09T02:00:00Z", e);
            }
        }
        if (!lsn.isEmpty()) {
            String l = resolve(lsn, "@RestoredDatabase(targetLsn)");
            try {
                return RecoveryTarget.lsn(l);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("@RestoredDatabase(targetLsn): " + e.getMessage(), e);
            }
        }
        return RecoveryTarget.latest();
    }

    /** {@code ${NAME}} → the system property NAME, else the environment variable NAME; anything else as is. */
    static String resolve(String value, String what) {
        if (value.startsWith("${") && value.endsWith("}")) {
            return variable(value.substring(2, value.length() - 1), what);
        }
        return value;
    }

    private static String variable(String name, String what) {
        String v = System.getProperty(name);
        if (v == null) {
            v = System.getenv(name);
        }
        if (v == null || v.isEmpty()) {
            throw new ConfigurationException(what + " names " + name + ", but neither the system property nor the "
                    + "environment variable " + name + " is set");
        }
        return v;
    }

    @Override
    public String toString() {
        // no key or password material
        return "RestoreSpec[" + repository + ", backup " + (backup == null ? "latest " + kind : backup) + ", target "
                + target + ", database " + database + ", user " + user + (password == null ? "" : " (password set)")
                + (key == null ? "" : ", key from " + key.describe()) + ", scratch " + providers + ", " + lifecycle + "]";
    }
}
