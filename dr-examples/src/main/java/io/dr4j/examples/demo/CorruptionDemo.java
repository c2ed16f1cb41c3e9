package io.dr4j.examples.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.ProgressListener;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.plan.Approvers;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.drill.Drill;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.core.plan.drill.DrillResult;
import io.dr4j.core.plan.drill.DrillRunner;
import io.dr4j.core.plan.scenario.DatabaseCorruption;
import io.dr4j.core.plan.steps.ServiceControl;
import io.dr4j.postgres.BackupMode;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.health.PostgresHealthCheck;
import io.dr4j.postgres.wal.WalArchiver;

/**
 * The main job: the DR plan's database-corruption drill, end to end, on an embedded PostgreSQL.
 *
 * <ol>
 *   <li>a PostgreSQL cluster (the machine's binaries, else the server binaries shipped as a Maven artifact) with
 *       sample data, and a small application on top of it;</li>
 *   <li>the streaming WAL archiver and a full backup into a file repository;</li>
 *   <li>more writes, then the accident: {@code DROP TABLE orders};</li>
 *   <li>the database-corruption recovery plan: stop the application, pick the backup, point-in-time recovery to
 *       just before the drop, verify the database, restart the application on it, verify, monitor;</li>
 *   <li>the drill checks that every order committed before the drop is back, and the report gives the achieved RTO
 *       and RPO against the DR plan's objectives (15 minutes, 1 hour).</li>
 * </ol>
 */
public final class CorruptionDemo {
    /** What the demo did. */
    public record Outcome(DrillResult drill, long ordersBeforeIncident, long ordersRestored, Path repository,
                          List<Path> reports, Duration total) {
        public boolean passed() {
            return drill.passed() && ordersRestored == ordersBeforeIncident;
        }
    }

    private final Path workDir;
    private final PrintWriter log;
    private final ProgressListener progress;

    public CorruptionDemo(Path workDir, PrintWriter log, ProgressListener progress) {
        this.workDir = workDir.toAbsolutePath().normalize();
        this.log = log;
        this.progress = progress;
    }

    private void say(String s) {
        log.println(s);
        log.flush();
    }

    public Outcome run() throws Exception {
        long t0 = System.nanoTime();
        prepareWorkDir();
        PostgresBinaries bin = PostgresBinaries.newestInstalled()
                .or(() -> PostgresBinaries.fromClasspath(workDir.resolve("pg-binaries")))
                .orElseThrow(() -> new IllegalStateException("No PostgreSQL server binaries: install PostgreSQL, or run "
                        + "the demo from the dr CLI, which ships the server binaries as a Maven artifact"));
        say("[1/7] PostgreSQL " + bin.version() + " from " + bin.binDir());
        try (ScratchCluster source = ScratchCluster.builder().binaries(bin).baseDir(workDir.resolve("source"))
                .setting("max_wal_size", "256MB").start()) {
            long orders = createSampleData(source);
            say("      sample data: 1000 customers, " + orders + " orders (127.0.0.1:" + source.port() + ")");

            PostgresCluster cluster = PostgresCluster.builder().host("127.0.0.1").port(source.port()).user("postgres")
                    .database("postgres").dataDir(source.dataDir()).build();
            PostgresBackupSource backupSource = PostgresBackupSource.builder(cluster).mode(BackupMode.DIRECT).build();
            try (DisasterRecovery dr = DisasterRecovery.configure().repository(workDir.resolve("repo").toUri()).load();
                 Repository repo = dr.openRepository(backupSource.systemId(), "postgresql");
                 WalArchiver archiver = WalArchiver.builder().jdbcUrl(source.jdbcUrl("postgres")).user("postgres")
                         .repository(repo).spoolDir(workDir.resolve("wal-spool")).slotName("dr4j_demo")
                         .partialInterval(Duration.ofSeconds(1)).build()) {
                archiver.start();
                say("[2/7] streaming WAL archiver started (slot dr4j_demo) into " + repo.target().location());

                BackupResult backup = backupSource.backup(repo, BackupRequest.of(BackupType.FULL).withProgress(progress));
                say("[3/7] full backup " + backup.id() + ": " + backup.manifest().files().size() + " files, "
                        + mib(backup.manifest().size()) + " MiB, stored " + mib(backup.manifest().storedSize())
                        + " MiB in " + secs(backup.total()));

                orders += moreOrders(source);
                say("[4/7] business goes on: " + orders + " orders now");

                int appPort = ScratchCluster.freePort();
                int restoredPort = ScratchCluster.freePort();
                AtomicReference<String> appDb = new AtomicReference<>(source.jdbcUrl("postgres"));
                Path restored = workDir.resolve("restored");
                try (DemoApplication app = new DemoApplication(appPort, appDb::get)) {
                    app.start();
                    String restoredUrl = "jdbc:postgresql://127.0.0.1:" + restoredPort + "/postgres";
                    ServiceControl services = new ServiceControl() {
                        @Override
                        public String name() {
                            return "demo-app";
                        }

                        @Override
                        public void stop(String service) {
                            app.stop();
                        }

                        @Override
                        public void start(String service) throws IOException {
                            appDb.set(restoredUrl); // the application comes back on the restored database
                            app.start();
                        }
                    };
                    RecoveryPlan plan = DatabaseCorruption.builder().serviceControl(services)
                            .restore(PostgresRestoreStrategy.builder().binaries(bin).build(), repo, restored)
                            .restoreOptions(Map.of("port", Integer.toString(restoredPort)))
                            .databaseChecks(List.of(PostgresHealthCheck.builder(restoredUrl).name("orders-database")
                                    .query("SELECT count(*) > 0 FROM orders").build()))
                            .applicationChecks(List.of(HealthChecks.forHttp(URI.create("http://127.0.0.1:" + appPort
                                    + "/health"))))
                            .verifyRetry(RetryPolicy.exponential(10, Duration.ofMillis(500)))
                            .monitor(Duration.ofSeconds(3), Duration.ofSeconds(1)).build();
                    long expected = orders;
                    DrillEnvironment env = new DrillEnvironment() {
                        @Override
                        public String description() {
                            return "scratch PostgreSQL " + bin.version() + " on 127.0.0.1:" + source.port()
                                    + ", file repository " + workDir.resolve("repo");
                        }

                        @Override
                        public Map<String, String> facts() {
                            Map<String, String> f = new LinkedHashMap<>();
                            f.put("postgresql", bin.version());
                            f.put("backup", backup.id());
                            f.put("ordersBeforeIncident", Long.toString(expected));
                            return f;
                        }

                        @Override
                        public Instant simulate() throws Exception {
                            return dropOrders(source, archiver);
                        }

                        @Override
                        public List<String> verify(PlanResult result) throws Exception {
                            List<String> problems = new ArrayList<>();
                            long back = countOrders(restoredUrl);
                            if (back != expected) {
                                problems.add("expected " + expected + " orders after the recovery, found " + back);
                            }
                            return problems;
                        }
                    };
                    say("[5/7] the accident: DROP TABLE orders; running the database-corruption recovery plan ...");
                    DrillResult drill;
                    try {
                        drill = DrillRunner.of(PlanRunner.builder().approver(Approvers.autoApprove("dr demo")).build(),
                                workDir.resolve("reports")).run(new Drill("dr demo: database corruption", plan, env,
                                Map.of("services", "demo-app")));
                    } finally {
                        stopRestored(bin, restored, restoredPort);
                    }
                    long back = restoredCount;
                    say("[6/7] plan " + drill.result().status() + " in " + secs(drill.result().duration()) + "; "
                            + (back >= 0 ? back + " of " + expected + " orders are back" : "orders not restored"));
                    for (ObjectiveVerdict v : drill.result().verdicts()) {
                        say(String.format("      %s %-9s achieved %-10s objective %-8s %s", v.kind(), v.component(),
                                v.achieved() == null ? "-" : secs(v.achieved()),
                                v.objective() == null ? "-" : human(v.objective()), v.verdict()));
                    }
                    drill.findings().forEach(f -> say("      finding: " + f));
                    say("[7/7] report: " + String.join(", ", drill.files().stream().map(Path::toString).toList()));
                    return new Outcome(drill, expected, back, workDir.resolve("repo"), drill.files(),
                            Duration.ofNanos(System.nanoTime() - t0));
                }
            }
        }
    }

    private volatile long restoredCount = -1;

    private void prepareWorkDir() throws IOException {
        Files.createDirectories(workDir);
        for (String sub : List.of("source", "restored", "wal-spool", "repo")) {
            deleteTree(workDir.resolve(sub));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    private static long createSampleData(ScratchCluster pg) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text NOT NULL)");
            st.execute("INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' "
                    + "FROM generate_series(1, 1000) g");
            st.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, "
                    + "amount numeric(10,2) NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now())");
            st.execute("INSERT INTO orders (customer_id, amount, note) SELECT 1 + g % 1000, (g % 997) * 1.5, "
                    + "md5(g::text) FROM generate_series(1, 20000) g");
            st.execute("CHECKPOINT");
            return 20000;
        }
    }

    private static long moreOrders(ScratchCluster pg) throws Exception {
        long n = 0;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                st.execute("INSERT INTO orders (customer_id, amount, note) SELECT 1 + g % 1000, g, 'after backup' "
                        + "FROM generate_series(1, 200) g");
                n += 200;
                Thread.sleep(100);
            }
        }
        return n;
    }

    /** Drops the table at a known time and makes sure its WAL reaches the repository; returns the incident time. */
    private static Instant dropOrders(ScratchCluster pg, WalArchiver archiver) throws Exception {
        Thread.sleep(200);
        Instant incident = Instant.now();
        Thread.sleep(200);
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP TABLE orders");
            long lsn;
            try (ResultSet rs = st.executeQuery("SELECT pg_switch_wal(), pg_current_wal_lsn()")) {
                rs.next();
                lsn = WalNames.parseLsn(rs.getString(2));
            }
            if (!archiver.awaitArchived(lsn, Duration.ofSeconds(60))) {
                throw new IllegalStateException("The WAL of the accident did not reach the repository within 60 s: "
                        + archiver.status());
            }
        }
        return incident;
    }

    private long countOrders(String url) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "postgres");
        try (Connection c = java.sql.DriverManager.getConnection(url, p);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            restoredCount = rs.getLong(1);
            return restoredCount;
        }
    }

    private static void stopRestored(PostgresBinaries bin, Path restored, int port) {
        if (Files.exists(restored.resolve("postmaster.pid"))) {
            ScratchCluster.builder().binaries(bin).existingDataDir(restored).port(port).create().stop();
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    static String secs(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String human(Duration d) {
        return d.toMinutes() >= 60 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
