package io.dr4j.core.plan.scenario;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.plan.steps.Isolation;
import io.dr4j.core.plan.steps.ServiceControl;
import io.dr4j.core.plan.steps.TrafficSwitch;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.restore.RestoreStrategy;
import io.dr4j.core.storage.FileBackupTarget;

/** In-memory collaborators for the scenario plans; the repository is a real one on the file system. */
final class Doubles {
    private Doubles() {
    }

    /** Everything the collaborators did, in order. */
    static final List<String> journal = new CopyOnWriteArrayList<>();

    static Repository repository(Path dir) {
        return Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, "sys-1", "postgresql");
    }

    /** A committed full backup that finished at {@code finished}, holding one file. */
    static StoredObject backup(Repository repo, String id, Instant finished) {
        try (BackupSession s = repo.catalog().begin(id)) {
            byte[] data = ("rows of " + id + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            StoredObject o = s.writeFile("base/16384/1259", new ByteArrayInputStream(data));
            s.commit(new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupType.FULL, null, "sys-1", "postgresql",
                    finished.minusSeconds(60), finished, Map.of("consistentAt", finished.toString()), Map.of(),
                    List.of(new BackupFile("base/16384/1259", BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(),
                            o.key(), null, null, 0600, null, null)), o.size(), o.storedSize()));
            return o;
        }
    }

    /** Overwrites a stored object with other bytes, as ransomware or bit rot would. */
    static void tamper(Path repoDir, StoredObject o) throws Exception {
        Path f = repoDir.resolve(o.key());
        Files.write(f, "encrypted by ransomware".getBytes(StandardCharsets.UTF_8));
    }

    /** Records restore requests; "recovers" to just before a time target, else to the backup's finish. */
    static final class Restorer implements RestoreStrategy {
        final List<RestoreRequest> requests = new CopyOnWriteArrayList<>();
        private final Repository repo;

        Restorer(Repository repo) {
            this.repo = repo;
        }

        @Override
        public String id() {
            return "fake-pitr";
        }

        @Override
        public RestoreResult restore(Repository repository, RestoreRequest request) {
            requests.add(request);
            journal.add("restore " + request.backupId());
            String id = request.backupId() != null ? request.backupId() : repo.catalog().latest().orElseThrow().id();
            Instant to = request.target() instanceof RecoveryTarget.Time t ? t.time().minusSeconds(1)
                    : repo.catalog().get(id).finishedAt();
            try {
                Files.createDirectories(request.destination());
                Files.writeString(request.destination().resolve("PG_VERSION"), "15\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new RestoreResult(id, request.destination(), "0/3000060", to, "2", 1234, 1, Map.of(),
                    Duration.ofMillis(5), Map.of("port", "54321"));
        }
    }

    /** A deployer keeping its history in memory. A deploy/rollback to an image containing "bad" is unhealthy. */
    static final class MemoryDeployer implements Deployer {
        final Map<String, List<Revision>> history = new ConcurrentHashMap<>();

        MemoryDeployer with(String service, String... images) {
            List<Revision> revs = new ArrayList<>();
            for (int i = 0; i < images.length; i++) {
                revs.add(new Revision(i + 1, images[i], Instant.now(), "deploy " + images[i], i == images.length - 1,
                        Map.of()));
            }
            history.put(service, revs);
            return this;
        }

        String currentImage(String service) {
            return history.getOrDefault(service, List.of()).stream().filter(Revision::current).map(Revision::image)
                    .findFirst().orElse("none");
        }

        @Override
        public String id() {
            return "memory";
        }

        @Override
        public synchronized DeploymentResult deploy(DeploymentSpec spec) {
            journal.add("deploy " + spec.service() + " " + spec.image());
            List<Revision> revs = new ArrayList<>(history.getOrDefault(spec.service(), List.of()));
            Revision from = revs.stream().filter(Revision::current).findFirst().orElse(null);
            revs.replaceAll(r -> new Revision(r.number(), r.image(), r.createdAt(), r.changeCause(), false, r.details()));
            Revision to = new Revision(revs.size() + 1, spec.image(), Instant.now(), spec.changeCause(), true, Map.of());
            revs.add(to);
            history.put(spec.service(), revs);
            return new DeploymentResult(spec.service(), DeploymentResult.Outcome.DEPLOYED, from, to, "deployed",
                    Map.of(), Duration.ofMillis(3));
        }

        @Override
        public List<Revision> history(String service) {
            return history.getOrDefault(service, List.of());
        }

        @Override
        public synchronized DeploymentResult rollback(String service, RollbackRequest request) {
            journal.add("rollback " + service + " to " + request.toRevision());
            List<Revision> revs = new ArrayList<>(history.getOrDefault(service, List.of()));
            if (revs.isEmpty()) {
                throw new DeploymentException("Unknown service " + service);
            }
            Revision from = revs.stream().filter(Revision::current).findFirst().orElseThrow();
            Revision target = revs.stream().filter(r -> r.number() == request.toRevision()).findFirst().orElseThrow();
            revs.replaceAll(r -> new Revision(r.number(), r.image(), r.createdAt(), r.changeCause(),
                    r.number() == target.number(), r.details()));
            history.put(service, revs);
            return new DeploymentResult(service, DeploymentResult.Outcome.ROLLBACK_COMPLETED, from, target,
                    "rolled back to " + target.image(), Map.of(), Duration.ofMillis(3));
        }
    }

    static final class Services implements ServiceControl {
        final Map<String, Boolean> running = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public void stop(String service) {
            journal.add("stop " + service);
            running.put(service, false);
        }

        @Override
        public void start(String service) {
            journal.add("start " + service);
            running.put(service, true);
        }
    }

    static final class Dns implements TrafficSwitch {
        final Map<String, String> records = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "memory-dns";
        }

        @Override
        public String currentTarget(String endpoint) {
            return records.getOrDefault(endpoint, "unset");
        }

        @Override
        public void switchTo(String endpoint, String target) {
            journal.add("dns " + endpoint + " -> " + target);
            records.put(endpoint, target);
        }
    }

    static final class Firewall implements Isolation {
        final List<String> isolated = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "memory-firewall";
        }

        @Override
        public List<String> isolate(List<String> systems) {
            journal.add("isolate " + systems);
            isolated.addAll(systems);
            return systems.stream().map(s -> "blocked all traffic of " + s).toList();
        }
    }

    static HealthCheck check(String name, BooleanSupplier up) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthResult check() {
                return up.getAsBoolean() ? HealthResult.up(name, "ok", Duration.ZERO)
                        : HealthResult.down(name, "not answering", Duration.ZERO);
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(2);
            }
        };
    }
}
