package io.dr4j.core.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;

/**
 * DOWN when the newest complete backup finished longer ago than {@code maxAge} (24 h by default) or there is none.
 * Details: {@code newestBackup}, {@code finishedAt}, {@code ageSeconds}, {@code maxAgeSeconds}.
 */
public final class BackupAgeCheck extends MonitorCheck {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

    private final Repository repository;
    private final Duration maxAge;

    public BackupAgeCheck(Repository repository, Duration maxAge, Clock clock) {
        super(clock);
        this.repository = Objects.requireNonNull(repository, "repository");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    @Override
    public String name() {
        return "backup-age";
    }

    @Override
    Finding evaluate() {
        List<BackupManifest> all = repository.catalog().list();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("maxAgeSeconds", maxAge.toSeconds());
        BackupManifest newest = all.stream().max(java.util.Comparator.comparing(BackupManifest::finishedAt)).orElse(null);
        if (newest == null) {
            return Finding.down("No complete backup in " + repository.target().location()
                    + ": take a backup (and check that the backup schedule runs)", d);
        }
        Duration age = Duration.between(newest.finishedAt(), clock.instant());
        d.put("newestBackup", newest.id());
        d.put("finishedAt", newest.finishedAt().toString());
        d.put("ageSeconds", age.toSeconds());
        if (age.compareTo(maxAge) > 0) {
            return Finding.down("Newest backup " + newest.id() + " is " + human(age) + " old (limit " + human(maxAge)
                    + "): backups are not running or failing", d);
        }
        return Finding.up("Newest backup " + newest.id() + " is " + human(age) + " old (limit " + human(maxAge) + ")", d);
    }
}
