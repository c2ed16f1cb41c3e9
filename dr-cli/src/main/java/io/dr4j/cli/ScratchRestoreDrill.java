package io.dr4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.StepStatus;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.wal.WalInventory;
import io.dr4j.postgres.wal.WalPositions;

import org.jspecify.annotations.Nullable;

/**
 * The database-corruption drill against a real source without harming it: {@link #simulate} records the source's
 * tables, marks the incident in its WAL between two empty transactions (no data changes) and waits until the
 * archived WAL reaches it; the plan restores into a scratch directory; {@link #verify} checks every table of the
 * incident is back and runs the SQL checks; {@link #close} stops the scratch server and removes it.
 */
final class ScratchRestoreDrill implements DrillEnvironment {
    static final String TABLES = "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
            + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            + "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1";

    private final PgTarget source;
    private final Repository repository;
    private final Path scratch;
    private final Path restored;
    private final int port;
    private final AtomicReference<PostgresBinaries> binaries;
    private final List<String> checks;
    private final Duration waitArchive;
    private final boolean keep;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private Set<String> tables = Set.of();

    ScratchRestoreDrill(PgTarget source, Repository repository, Path scratch, Path restored, int port,
                        AtomicReference<PostgresBinaries> binaries, List<String> checks, Duration waitArchive,
                        boolean keep) {
        this.source = source;
        this.repository = repository;
        this.scratch = scratch;
        this.restored = restored;
        this.port = port;
        this.binaries = binaries;
        this.checks = List.copyOf(checks);
        this.waitArchive = waitArchive;
        this.keep = keep;
    }

    @Override
    public String description() {
        return "scratch restore of " + source.host() + ":" + source.port() + "/" + source.database() + " from "
                + repository.target().location() + " into " + restored + " (127.0.0.1:" + port + ")";
    }

    @Override
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public Instant simulate() throws Exception {
        Instant incident;
        long lsn;
        long timeline;
        long segmentSize;
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.jdbcProperties());
             Statement st = c.createStatement()) {
            tables = new LinkedHashSet<>(strings(st, TABLES));
            facts.put("source system identifier", strings(st, "SELECT system_identifier::text FROM pg_control_system()").get(0));
            facts.put("source server", strings(st, "SHOW server_version").get(0));
            timeline = Long.parseLong(strings(st, "SELECT timeline_id::text FROM pg_control_checkpoint()").get(0));
            segmentSize = Long.parseLong(strings(st, "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'").get(0));
            // The incident mark: a commit just before it (recovered) and one just after (where recovery stops), both
            // empty transactions; the time is the server's, as are the commit times recovery compares it with.
            st.execute("SELECT txid_current()");
            try (ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
                rs.next();
                incident = rs.getObject(1, OffsetDateTime.class).toInstant();
            }
            st.execute("SELECT txid_current()");
            lsn = WalPositions.parseLsn(strings(st, "SELECT pg_current_wal_lsn()::text").get(0));
        }
        facts.put("incident (simulated)", incident.toString());
        facts.put("incident LSN", WalPositions.formatLsn(lsn));
        facts.put("tables at the incident", Integer.toString(tables.size()));
        long t0 = System.nanoTime();
        String segment = WalPositions.segmentNameOf(timeline, lsn, segmentSize);
        WalInventory inventory = new WalInventory(repository, segmentSize);
        long deadline = t0 + waitArchive.toNanos();
        Instant firstAfter = null;
        while (true) {
            WalInventory.WalRun run = inventory.continuousFrom(segment, timeline);
            // The inventory counts a partial segment as reaching its segment's end, and its modification time after
            // the incident is not enough either: an upload that took its bytes before the commit after the incident
            // can end after the incident's time, and a recovery from it ends before the target. The archiver stores
            // one partial at a time, so a partial stored after the first one that ended after the incident took its
            // bytes after that: one more empty transaction makes it store one.
            Instant stored = run.partial() == null ? null : repository.wal().findPartial(run.partial())
                    .flatMap(w -> repository.stat(w.key())).map(i -> i.lastModified()).orElse(null);
            boolean fresh = run.partial() == null
                    || stored != null && firstAfter != null && stored.isAfter(firstAfter);
            if (stored != null && firstAfter == null && stored.isAfter(incident)) {
                firstAfter = stored;
                try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.jdbcProperties());
                     Statement st = c.createStatement()) {
                    st.execute("SELECT txid_current()");
                }
            }
            if (run.reaches(lsn) && fresh) {
                facts.put("WAL of the incident archived after", StepProgress.seconds(Duration.ofNanos(System.nanoTime() - t0)));
                break;
            }
            if (System.nanoTime() > deadline) {
                problems.add("The WAL of the incident (LSN " + WalPositions.formatLsn(lsn) + ") was not in the "
                        + "repository " + waitArchive.toSeconds() + " s later (" + run + "): is the WAL archiver "
                        + "running ('dr archive')?");
                break;
            }
            Thread.sleep(500);
        }
        return incident;
    }

    @Override
    public List<String> verify(PlanResult result) throws Exception {
        List<String> found = new ArrayList<>(problems);
        boolean restoredOk = result.step("restore-database").map(s -> s.status() == StepStatus.SUCCEEDED).orElse(false);
        if (!restoredOk) {
            return found; // the failed step is the finding
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + source.database();
        try (Connection c = DriverManager.getConnection(url, source.jdbcProperties()); Statement st = c.createStatement()) {
            Set<String> back = new LinkedHashSet<>(strings(st, TABLES));
            List<String> lost = tables.stream().filter(t -> !back.contains(t)).toList();
            if (!lost.isEmpty()) {
                found.add("Tables of the incident missing after the recovery: " + String.join(", ", lost));
            }
            facts.put("tables restored", back.size() + " of " + tables.size());
            runChecks(st, checks, facts, found);
        }
        return found;
    }

    @Override
    public void close() throws Exception {
        closeScratch(binaries.get(), restored, port, scratch, keep, facts);
    }

    /** Runs the SQL checks on the restored database: a value that is null, false or 0 is a finding. */
    static void runChecks(Statement st, List<String> checks, Map<String, String> facts, List<String> found) {
        for (int i = 0; i < checks.size(); i++) {
            String sql = checks.get(i);
            try (ResultSet rs = st.executeQuery(sql)) {
                Object v = rs.next() ? rs.getObject(1) : null;
                boolean ok = v != null && !Boolean.FALSE.equals(v) && !(v instanceof Number n && n.longValue() == 0);
                facts.put("check " + (i + 1), sql + " -> " + v);
                if (!ok) {
                    found.add("Check " + (i + 1) + " failed on the restored database: '" + sql + "' returned " + v);
                }
            } catch (java.sql.SQLException e) {
                found.add("Check " + (i + 1) + " could not run on the restored database: '" + sql + "': "
                        + e.getMessage());
            }
        }
    }

    /**
     * Stops a scratch server left running in {@code restored} (when binaries were used) and deletes {@code scratch};
     * with {@code keep}, leaves both and records where they are in the facts.
     */
    static void closeScratch(@Nullable PostgresBinaries bin, Path restored, int port, Path scratch, boolean keep,
                             Map<String, String> facts) throws java.io.IOException {
        if (keep) {
            facts.put("kept", restored + (bin != null && Files.exists(restored.resolve("postmaster.pid"))
                    ? ", server running on 127.0.0.1:" + port : ""));
            return;
        }
        if (bin != null && Files.exists(restored.resolve("postmaster.pid"))) {
            ScratchCluster.builder().binaries(bin).existingDataDir(restored).port(port).create().stop();
        }
        try (var s = Files.walk(scratch)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static List<String> strings(Statement st, String sql) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static @Nullable String first(List<String> l) {
        return l.isEmpty() ? null : l.get(0);
    }
}
