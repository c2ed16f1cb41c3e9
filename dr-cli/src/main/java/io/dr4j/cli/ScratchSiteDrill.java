package io.dr4j.cli;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.StepResult;
import io.dr4j.core.plan.StepStatus;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.logical.PgTarget;

import org.jspecify.annotations.Nullable;

/**
 * The drill of server-failure, datacenter-outage and ransomware: nothing is simulated on production (the loss is
 * declared now), the plan restores from the repository (datacenter-outage: only the secondary copy) into a scratch
 * directory on a free port of 127.0.0.1, and {@link #verify} checks the restored server answers, counts its tables,
 * runs the SQL checks and, for ransomware, reports every backup the read-data verification rejected. {@link #close}
 * stops the scratch server and removes it (unless --keep).
 */
final class ScratchSiteDrill implements DrillEnvironment {
    private final String scenario;
    private final URI repository;
    private final PgTarget pg;
    private final Path scratch;
    private final Path base;
    private final int port;
    private final AtomicReference<PostgresBinaries> binaries;
    private final List<String> checks;
    private final boolean keep;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final @Nullable Instant compromisedAt;
    private Path restored;

    ScratchSiteDrill(String scenario, URI repository, PgTarget pg, Path scratch, Path base, int port,
                     AtomicReference<PostgresBinaries> binaries, List<String> checks, boolean keep,
                     @Nullable Instant compromisedAt) {
        this.compromisedAt = compromisedAt;
        this.scenario = scenario;
        this.repository = repository;
        this.pg = pg;
        this.scratch = scratch;
        this.base = base;
        this.restored = base;
        this.port = port;
        this.binaries = binaries;
        this.checks = List.copyOf(checks);
        this.keep = keep;
    }

    @Override
    public String description() {
        return "scratch restore of '" + scenario + "' from " + repository + " (the only repository read) into "
                + base + " (127.0.0.1:" + port + ")";
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public Instant simulate() {
        Instant now = Instant.now();
        if (compromisedAt != null) {
            facts.put("incident (the compromise, --compromised-at)", compromisedAt.toString());
            facts.put("repository read", repository.toString());
            return compromisedAt;
        }
        facts.put("incident (declared)", now + ": the " + (scenario.equals("ransomware") ? "compromised systems are"
                : scenario.equals("datacenter-outage") ? "primary site is" : "server is") + " treated as lost; "
                + "nothing in production was stopped, isolated or switched");
        facts.put("repository read", repository.toString());
        return now;
    }

    @Override
    public List<String> verify(PlanResult result) throws Exception {
        List<String> found = new ArrayList<>();
        result.step("find-clean-backup").ifPresent(s -> clean(s, found));
        StepResult restore = result.step("restore-fresh").or(() -> result.step("restore-database")).orElse(null);
        if (restore == null || restore.status() != StepStatus.SUCCEEDED) {
            return found; // the failed step is the finding
        }
        String dest = restore.output() == null ? null : restore.output().values().get("destination");
        if (dest != null) {
            restored = Path.of(dest);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + pg.database();
        try (Connection c = DriverManager.getConnection(url, pg.jdbcProperties()); Statement st = c.createStatement()) {
            facts.put("tables restored", Integer.toString(ScratchRestoreDrill.strings(st, ScratchRestoreDrill.TABLES)
                    .size()));
            ScratchRestoreDrill.runChecks(st, checks, facts, found);
        }
        return found;
    }

    /** The ransomware drill's selection: the backup chosen and every one rejected (each one a finding). */
    private void clean(StepResult s, List<String> found) {
        if (s.output() == null) {
            return;
        }
        Map<String, String> v = s.output().values();
        if (v.get("backupId") != null) {
            facts.put("clean backup", v.get("backupId") + " (finished " + v.get("backupFinishedAt") + ", "
                    + v.get("candidatesTried") + " tried, checked: " + v.get("checked") + ")");
        }
        String rejected = v.get("rejected");
        facts.put("rejected backups", rejected == null ? "none" : rejected);
        if (rejected != null) {
            for (String r : rejected.split("; (?=[^;:]+: )")) {
                found.add("Backup rejected by the read-data verification: " + r);
            }
        }
    }

    @Override
    public void close() throws Exception {
        ScratchRestoreDrill.closeScratch(binaries.get(), restored, port, scratch, keep, facts);
    }
}
