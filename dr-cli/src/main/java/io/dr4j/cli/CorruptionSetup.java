package io.dr4j.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.scenario.DatabaseCorruption;
import io.dr4j.core.plan.steps.ServiceControl;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.health.PostgresHealthCheck;
import io.dr4j.postgres.logical.PgTarget;

/**
 * database-corruption from the command line. The real run stops the services with the configured commands, restores
 * the backup to just before the target time into {@code --to}, starts it, checks it and restarts the services. The
 * drill leaves production alone: it marks the incident in the source's WAL (an empty transaction, no data changed),
 * restores into a scratch directory and compares the restored database with the source's tables at the incident.
 */
final class CorruptionSetup implements Scenarios.Setup {
    private final Cli cli;
    private final ScenarioOptions o;
    private final boolean drill;
    private final List<URI> locations;
    private final PgTarget pg;
    private final List<String> services;
    private final List<URI> healthUrls;
    private final Path to;
    private final String stopCommand;
    private final String startCommand;

    CorruptionSetup(Cli cli, ScenarioOptions o, boolean drill) {
        this.cli = cli;
        this.o = o;
        this.drill = drill;
        ProviderConfig config = cli.config();
        Scenarios.Missing missing = new Scenarios.Missing();
        List<URI> repo = List.of();
        try {
            repo = cli.repositoryLocations();
        } catch (ConfigurationException e) {
            missing.add("scenario database-corruption needs the repository: pass --repo URI or set dr.repository "
                    + "(DR_REPOSITORY)");
        }
        this.locations = repo;
        boolean pgGiven = o.pg.host != null || config.get("dr.postgres.host").isPresent()
                || cli.env().containsKey("PGHOST");
        if (!pgGiven) {
            missing.add("scenario database-corruption needs a PostgreSQL connection: set PGHOST (with PGPORT, PGUSER, "
                    + "PGPASSWORD, PGDATABASE) or dr.postgres.host (DR_POSTGRES_HOST, dr.postgres.port, .user, "
                    + ".database, .password), or pass --host");
        }
        this.pg = o.pg.target(cli);
        this.services = o.services(cli);
        this.healthUrls = o.healthUrls(cli);
        Path dest = o.to != null ? o.to : config.get("dr.plan.restore-to").map(Path::of).orElse(null);
        this.to = dest;
        this.stopCommand = config.get("dr.plan.stop-command").orElse(null);
        this.startCommand = config.get("dr.plan.start-command").orElse(null);
        if (!drill) {
            if (dest == null) {
                missing.add("scenario database-corruption restores into a new data directory: pass --to DIR or set "
                        + "dr.plan.restore-to");
            }
            if (services.isEmpty()) {
                missing.add("scenario database-corruption stops the application during the restore: pass --service "
                        + "NAME (repeatable) or set dr.plan.services");
            }
            if (stopCommand == null || startCommand == null) {
                missing.add("scenario database-corruption stops and starts the services with commands: set "
                        + "dr.plan.stop-command and dr.plan.start-command ({service} is replaced by the name), e.g. "
                        + "'docker stop {service}' and 'docker start {service}'");
            }
            if (healthUrls.isEmpty()) {
                missing.add("scenario database-corruption verifies the application after the restore: pass "
                        + "--health-url URL or set dr.plan.health-urls");
            }
        }
        if (drill && (o.to != null || o.targetTime != null)) {
            missing.add("a drill restores into a scratch directory to just before the simulated incident: --to and "
                    + "--target-time are for 'dr plan run'");
        }
        if (o.targetTime != null) {
            RestoreCommand.parseTime(o.targetTime);
        }
        missing.check();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("repository", String.join(", ", locations.stream().map(URI::toString).toList()));
        d.put("PostgreSQL", pg.toString() + (drill ? " (read only: the drill marks the incident with an empty "
                + "transaction)" : ""));
        d.put("restore into", drill ? "a scratch directory (deleted afterwards unless --keep)" : to.toString());
        d.put("restored server", "127.0.0.1:" + (o.restorePort == null ? "a free port" : o.restorePort));
        d.put("services", drill ? "not touched (the drill simulates stopping and starting "
                + (services.isEmpty() ? "app" : String.join(", ", services)) + ")"
                : String.join(", ", services) + " (stop: '" + stopCommand + "', start: '" + startCommand + "')");
        d.put("database checks", "the restored database answers as " + pg.user() + (o.checks.isEmpty() ? ""
                : "; " + o.checks.size() + " SQL check(s)" + (drill ? " after the run" : "")));
        d.put("application checks", healthUrls.isEmpty() ? "the restored database accepts the application's login"
                : String.join(", ", healthUrls.stream().map(URI::toString).toList()));
        d.put("recovery target", o.targetTime != null ? "just before " + RestoreCommand.parseTime(o.targetTime)
                : "just before the incident");
        ScenarioOptions.objectives(cli.config()).rto(Component.DATABASE).ifPresent(r -> d.put("RTO objective",
                RecoveryPlan.human(r)));
        ScenarioOptions.objectives(cli.config()).rpo(Component.DATABASE).ifPresent(r -> d.put("RPO objective",
                RecoveryPlan.human(r)));
        return d;
    }

    @Override
    public Map<String, String> inputs() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("services", services.isEmpty() ? "app" : String.join(",", services));
        if (o.targetTime != null) {
            in.put("recoveryTargetTime", RestoreCommand.parseTime(o.targetTime).toString());
        }
        return Scenarios.inputs(in, o);
    }

    private List<HealthCheck> databaseChecks(String url, boolean withSql) {
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(PostgresHealthCheck.builder(url).name("restored-database").user(pg.user()).password(pg.password())
                .build());
        if (withSql) {
            for (int i = 0; i < o.checks.size(); i++) {
                checks.add(PostgresHealthCheck.builder(url).name("check-" + (i + 1)).user(pg.user())
                        .password(pg.password()).query(o.checks.get(i)).build());
            }
        }
        return checks;
    }

    private Duration monitor(Duration dflt) {
        return o.monitor(cli, dflt);
    }

    @Override
    public Scenarios.Prepared forRun() {
        int port = o.restorePort != null ? o.restorePort : ScratchCluster.freePort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + pg.database();
        Repository repo = cli.repository();
        PostgresRestoreStrategy strategy = RestoreCommand.strategy(new AtomicReference<>());
        Duration window = monitor(Duration.ofMinutes(15));
        RecoveryPlan plan = DatabaseCorruption.builder()
                .serviceControl(new CommandServiceControl(stopCommand, startCommand))
                .restore(strategy, repo, to).restoreOptions(Map.of("port", Integer.toString(port)))
                .databaseChecks(databaseChecks(url, true))
                .applicationChecks(healthUrls.stream().map(u -> (HealthCheck) HealthChecks.forHttp(u)).toList())
                .monitor(window, ScenarioOptions.interval(window)).build();
        Map<String, String> facts = describe();
        return new Scenarios.Prepared(plan, inputs(), facts, null, List.of(repo));
    }

    @Override
    public Scenarios.Prepared forDrill() throws Exception {
        int port = o.restorePort != null ? o.restorePort : ScratchCluster.freePort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + pg.database();
        Repository repo = cli.repository();
        AtomicReference<PostgresBinaries> used = new AtomicReference<>();
        PostgresRestoreStrategy strategy = RestoreCommand.strategy(used);
        Path scratch = Files.createTempDirectory("dr4j-drill-");
        Path dest = scratch.resolve("restored");
        Duration window = monitor(Duration.ofSeconds(10));
        List<HealthCheck> app = healthUrls.isEmpty()
                ? List.of(PostgresHealthCheck.builder(url).name("application-login").user(pg.user())
                .password(pg.password()).build())
                : healthUrls.stream().map(u -> (HealthCheck) HealthChecks.forHttp(u)).toList();
        RecoveryPlan plan = DatabaseCorruption.builder().serviceControl(new DrillServiceControl())
                .restore(strategy, repo, dest).restoreOptions(Map.of("port", Integer.toString(port)))
                .databaseChecks(databaseChecks(url, false)).applicationChecks(app)
                .verifyRetry(RetryPolicy.exponential(8, Duration.ofMillis(500)))
                .monitor(window, ScenarioOptions.interval(window)).build();
        ScratchRestoreDrill env = new ScratchRestoreDrill(pg, repo, scratch, dest, port, used, o.checks,
                o.waitArchive == null ? Duration.ofSeconds(60) : ProviderConfig.parseDuration(o.waitArchive), o.keep);
        return new Scenarios.Prepared(plan, inputs(), describe(), env, List.of(repo));
    }

    /** The drill's stand-in for the services: production services are not stopped or started. */
    static final class DrillServiceControl implements ServiceControl {
        @Override
        public String name() {
            return "the drill (simulated: production services are not touched)";
        }

        @Override
        public void stop(String service) {
        }

        @Override
        public void start(String service) {
        }
    }
}
