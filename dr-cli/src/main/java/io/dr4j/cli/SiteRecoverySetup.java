package io.dr4j.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.scenario.DatacenterOutage;
import io.dr4j.core.plan.scenario.Ransomware;
import io.dr4j.core.plan.scenario.ServerFailure;
import io.dr4j.core.plan.steps.TerraformStep;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.health.PostgresHealthCheck;
import io.dr4j.postgres.logical.PgTarget;

import org.jspecify.annotations.Nullable;

/**
 * server-failure, datacenter-outage and ransomware from the command line. The database part is real (restore from
 * the repository, start, check); what lies outside dr4j (provisioning, deploying the application, moving traffic,
 * isolating systems, rotating credentials) runs as configured {@link CommandHook commands}. A hook that is optional
 * and not configured makes its step say plainly that it was skipped. The drills restore into a scratch directory on
 * a free port and run no hook.
 */
final class SiteRecoverySetup implements Scenarios.Setup {
    static final String PROVISION = "dr.plan.provision-command";
    static final String DEPLOY = "dr.plan.deploy-command";
    static final String TRAFFIC = "dr.plan.traffic-command";
    static final String ISOLATE = "dr.plan.isolate-command";
    static final String ROTATE = "dr.plan.rotate-credentials-command";
    static final String SECONDARY = "dr.plan.secondary-repository";
    static final String TERRAFORM_DIR = "dr.plan.terraform-dir";
    static final String TERRAFORM_VAR_FILE = "dr.plan.terraform-var-file";
    static final String TERRAFORM_BINARY = "dr.plan.terraform-binary";

    private final Cli cli;
    private final ScenarioOptions o;
    private final String scenario;
    private final boolean drill;
    private final URI location;
    private final @Nullable URI primary;
    private final PgTarget pg;
    private final List<URI> healthUrls;
    private final @Nullable Path to;
    private final @Nullable Instant compromisedAt;
    private final int port;

    SiteRecoverySetup(String scenario, Cli cli, ScenarioOptions o, boolean drill) {
        this.cli = cli;
        this.o = o;
        this.scenario = scenario;
        this.drill = drill;
        ProviderConfig config = cli.config();
        Scenarios.Missing missing = new Scenarios.Missing();
        List<URI> repos = List.of();
        try {
            repos = cli.repositoryLocations();
        } catch (ConfigurationException e) {
            // reported below, per scenario
        }
        URI loc = null;
        URI prim = null;
        if (scenario.equals(DatacenterOutage.ID)) {
            String secondary = o.secondaryRepo != null ? o.secondaryRepo : config.get(SECONDARY).orElse(null);
            if (secondary != null && !secondary.isBlank()) {
                loc = io.dr4j.core.storage.BackupTargets.parse(secondary.trim());
                prim = repos.isEmpty() ? null : repos.get(0);
            } else if (repos.size() >= 2) {
                loc = repos.get(repos.size() - 1);
                prim = repos.get(0);
            } else {
                missing.add("scenario datacenter-outage recovers from the secondary region's copy of the repository: "
                        + "pass --secondary-repo URI or set " + SECONDARY + " (or give two --repo, primary then "
                        + "mirror); the primary is never read, so it may be down");
            }
        } else if (repos.isEmpty()) {
            missing.add("scenario " + scenario + " needs the repository: pass --repo URI or set dr.repository "
                    + "(DR_REPOSITORY)");
        } else {
            loc = repos.size() == 1 ? repos.get(0)
                    : URI.create("mirror:" + String.join(",", repos.stream().map(URI::toString).toList()));
        }
        this.location = loc;
        this.primary = prim;
        this.pg = o.pg.target(cli);
        this.healthUrls = o.healthUrls(cli);
        this.to = o.to != null ? o.to : config.get("dr.plan.restore-to").map(Path::of).orElse(null);
        if (!drill && to == null) {
            missing.add("scenario " + scenario + (scenario.equals(Ransomware.ID)
                    ? " restores into a new directory <DIR>/<run id>, never over the compromised data: pass --to DIR"
                    : " restores into the new server's data directory: pass --to DIR") + " or set dr.plan.restore-to");
        }
        if (drill && o.to != null) {
            missing.add("a drill restores into a scratch directory: --to is for 'dr plan run'");
        }
        if (scenario.equals(Ransomware.ID) && !drill) {
            for (String k : List.of(ISOLATE, ROTATE)) {
                if (config.get(k).map(String::isBlank).orElse(true)) {
                    missing.add("scenario ransomware " + (k.equals(ISOLATE) ? "isolates the affected systems first"
                            : "rotates the credentials the attacker may have had") + ": set " + k + " (a shell "
                            + "command; its context comes in DR4J_* environment variables, see docs/configuration.md)");
                }
            }
        }
        if (!scenario.equals(Ransomware.ID) && o.compromisedAt != null) {
            missing.add("--compromised-at is for the ransomware scenario");
        }
        if (!scenario.equals(DatacenterOutage.ID) && o.secondaryRepo != null) {
            missing.add("--secondary-repo is for the datacenter-outage scenario");
        }
        if (o.targetTime != null) {
            missing.add("scenario " + scenario + " restores the newest backup and all archived WAL"
                    + (scenario.equals(Ransomware.ID) ? " before the compromise: give --compromised-at" : "")
                    + "; --target-time is for database-corruption");
        }
        Optional<String> tfDir = config.get(TERRAFORM_DIR).map(String::trim).filter(v -> !v.isEmpty());
        if (tfDir.isPresent()) {
            if (config.get(PROVISION).map(String::isBlank).map(b -> !b).orElse(false)) {
                missing.add("both " + PROVISION + " and " + TERRAFORM_DIR + " are set: provisioning is one or the "
                        + "other, unset one");
            }
            if (!drill && !Files.isDirectory(Path.of(tfDir.get()))) {
                missing.add(TERRAFORM_DIR + " " + tfDir.get() + " is not a directory: give the directory of the "
                        + "Terraform code");
            }
            config.get(TERRAFORM_VAR_FILE).filter(f -> !drill && !Files.isRegularFile(Path.of(f.trim())))
                    .ifPresent(f -> missing.add(TERRAFORM_VAR_FILE + " " + f + " does not exist: give the "
                            + "environment's .tfvars file"));
        }
        this.compromisedAt = o.compromisedAt == null ? null : RestoreCommand.parseTime(o.compromisedAt);
        try {
            CommandHook.timeout(config);
        } catch (ConfigurationException e) {
            missing.add(e.getMessage());
        }
        missing.check();
        this.port = o.restorePort != null ? o.restorePort : ScratchCluster.freePort();
    }

    private Optional<CommandHook> hook(String key, String what) {
        return CommandHook.of(cli.config(), key, what, this::hookEnvironment);
    }

    /** The context every hook receives (no secrets). */
    private Map<String, String> hookEnvironment(StepContext ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DR4J_SCENARIO", scenario);
        env.put("DR4J_DRILL", Boolean.toString(drill));
        env.put("DR4J_REPOSITORY", location.toString());
        env.put("DR4J_NEW_PGDATA", destination(ctx).toString());
        env.put("DR4J_RESTORED_HOST", "127.0.0.1");
        env.put("DR4J_RESTORED_PORT", Integer.toString(port));
        env.put("DR4J_RESTORED_DATABASE", pg.database());
        env.put("DR4J_RESTORED_USER", pg.user());
        if (compromisedAt != null) {
            env.put("DR4J_COMPROMISED_AT", compromisedAt.toString());
        }
        for (String step : List.of("restore-database", "restore-fresh", "find-clean-backup")) {
            ctx.output(step).ifPresent(out -> {
                String id = out.values().get("backupId");
                if (id != null) {
                    env.putIfAbsent("DR4J_BACKUP_ID", id);
                }
                if (out.recoveredTo() != null) {
                    env.putIfAbsent("DR4J_RECOVERED_TO", out.recoveredTo().toString());
                }
            });
        }
        return env;
    }

    private Path destination(StepContext ctx) {
        return scenario.equals(Ransomware.ID) ? base().resolve(ctx.runId()) : base();
    }

    private Path base() {
        return scratchBase != null ? scratchBase : to;
    }

    private @Nullable Path scratchBase;

    /** Terraform in {@code dr.plan.terraform-dir}, when that is configured (instead of the provisioning command). */
    private Optional<TerraformStep> terraform() {
        ProviderConfig c = cli.config();
        return c.get(TERRAFORM_DIR).map(String::trim).filter(v -> !v.isEmpty()).map(d -> {
            TerraformStep.Builder b = TerraformStep.builder(Path.of(d));
            c.get(TERRAFORM_VAR_FILE).map(String::trim).filter(v -> !v.isEmpty()).ifPresent(f -> b.varFile(Path.of(f)));
            c.get(TERRAFORM_BINARY).map(String::trim).filter(v -> !v.isEmpty()).ifPresent(x -> b.binary(Path.of(x)));
            return b.build();
        });
    }

    /** The step of a hook: the command when configured, else one that says it was skipped (never that it ran). */
    private StepAction hookStep(String key, String what) {
        if (key.equals(PROVISION) && terraform().isPresent()) {
            return drill ? CommandHook.simulated(TERRAFORM_DIR, what, true) : terraform().get();
        }
        Optional<CommandHook> h = hook(key, what);
        if (drill) {
            return CommandHook.simulated(key, what, h.isPresent());
        }
        return h.<StepAction>map(x -> x).orElseGet(() -> CommandHook.notConfigured(key, what));
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("repository", location + (scenario.equals(DatacenterOutage.ID) ? " (the secondary region's copy only; "
                + "the primary" + (primary == null ? "" : " " + primary) + " is never opened)" : ""));
        d.put("restore into", drill ? "a scratch directory (deleted afterwards unless --keep)"
                : scenario.equals(Ransomware.ID) ? to + "/<run id> (a new directory, never the compromised data)"
                : to.toString());
        d.put("restored server", "127.0.0.1:" + port);
        d.put("recovery target", scenario.equals(Ransomware.ID) && compromisedAt != null
                ? "just before the compromise at " + compromisedAt : "latest (the newest backup and all archived WAL)");
        if (scenario.equals(Ransomware.ID)) {
            d.put("backup choice", "the newest backup finished before " + (compromisedAt != null ? compromisedAt
                    : "the incident") + " whose every stored object re-reads with its SHA-256 (read-data verify); "
                    + "the ones that fail are skipped and reported");
        }
        d.put("database checks", "the restored database answers as " + pg.user() + (o.checks.isEmpty() ? ""
                : "; " + o.checks.size() + " SQL check(s)" + (drill ? " after the run" : "")));
        d.put("application checks", healthUrls.isEmpty() ? "none configured (the database checks stand in)"
                : String.join(", ", healthUrls.stream().map(URI::toString).toList()));
        List<String[]> hooks = new ArrayList<>();
        if (scenario.equals(Ransomware.ID)) {
            hooks.add(new String[] {"isolate", ISOLATE});
        }
        hooks.add(new String[] {scenario.equals(Ransomware.ID) ? "rebuild" : "provision", PROVISION});
        hooks.add(new String[] {"deploy", DEPLOY});
        if (scenario.equals(DatacenterOutage.ID)) {
            hooks.add(new String[] {"traffic switch", TRAFFIC});
        }
        if (scenario.equals(Ransomware.ID)) {
            hooks.add(new String[] {"rotate credentials", ROTATE});
        }
        for (String[] h : hooks) {
            if (h[1].equals(PROVISION) && terraform().isPresent()) {
                String tf = "terraform init/plan/apply in " + cli.config().get(TERRAFORM_DIR).orElseThrow().trim()
                        + cli.config().get(TERRAFORM_VAR_FILE).map(f -> " with " + f.trim()).orElse("") + " ("
                        + TERRAFORM_DIR + ")";
                d.put(h[0], drill ? "simulated (a drill runs no hook; configured: " + tf + ")" : tf);
                continue;
            }
            Optional<CommandHook> x = hook(h[1], h[0]);
            d.put(h[0], drill ? "simulated (a drill runs no hook" + (x.isPresent() ? "; configured: '"
                    + x.get().command + "'" : "") + ")" : CommandHook.describe(x, h[1]));
        }
        ScenarioOptions.objectives(cli.config()).rto(Component.FULL_SYSTEM).ifPresent(r -> d.put("RTO objective",
                RecoveryPlan.human(r)));
        ScenarioOptions.objectives(cli.config()).rpo(Component.DATABASE).ifPresent(r -> d.put("RPO objective",
                RecoveryPlan.human(r)));
        return d;
    }

    /** ransomware: the compromise is the incident (the RPO is the good data lost before it). */
    @Override
    public Optional<Instant> incidentAt() {
        return Optional.ofNullable(compromisedAt);
    }

    @Override
    public Map<String, String> inputs() {
        Map<String, String> in = new LinkedHashMap<>();
        if (scenario.equals(Ransomware.ID) && compromisedAt != null) {
            in.put("compromisedAt", compromisedAt.toString());
        }
        return Scenarios.inputs(in, o);
    }

    /** The plan with this configuration's hooks, nothing opened (the restore steps are the runbook's). */
    @Override
    public RecoveryPlan preview(String id) {
        return switch (scenario) {
            case ServerFailure.ID -> ServerFailure.builder().deployment(hookStep(DEPLOY, "deployment")).buildForRunbook();
            case DatacenterOutage.ID -> DatacenterOutage.builder().deployment(hookStep(DEPLOY, "deployment"))
                    .switchTraffic(hookStep(TRAFFIC, "traffic switch")).buildForRunbook();
            default -> Ransomware.builder().isolation(hookStep(ISOLATE, "isolation"))
                    .deployment(hookStep(DEPLOY, "deployment"))
                    .credentialRotation(hookStep(ROTATE, "credential rotation")).buildForRunbook();
        };
    }

    @Override
    public Scenarios.Prepared forRun() {
        return prepare(null, null);
    }

    @Override
    public Scenarios.Prepared forDrill() throws Exception {
        Path scratch = Files.createTempDirectory("dr4j-drill-");
        AtomicReference<PostgresBinaries> used = new AtomicReference<>();
        this.scratchBase = scratch.resolve("restored");
        return prepare(scratch, used);
    }

    private Scenarios.Prepared prepare(@Nullable Path scratch, @Nullable AtomicReference<PostgresBinaries> usedIn) {
        AtomicReference<PostgresBinaries> used = usedIn != null ? usedIn : new AtomicReference<>();
        // only this location is opened: for datacenter-outage the secondary copy, the primary may be gone
        DisasterRecovery dr = DisasterRecovery.configure().config(cli.config()).repository(location).load();
        Repository repo = dr.repository();
        PostgresRestoreStrategy strategy = RestoreCommand.strategy(used);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + pg.database();
        List<HealthCheck> db = new ArrayList<>();
        db.add(PostgresHealthCheck.builder(url).name("restored-database").user(pg.user()).password(pg.password())
                .build());
        if (!drill) {
            for (int i = 0; i < o.checks.size(); i++) {
                db.add(PostgresHealthCheck.builder(url).name("check-" + (i + 1)).user(pg.user())
                        .password(pg.password()).query(o.checks.get(i)).build());
            }
        }
        List<HealthCheck> app = healthUrls.stream().map(u -> (HealthCheck) HealthChecks.forHttp(u)).toList();
        List<HealthCheck> all = new ArrayList<>(db);
        all.addAll(app);
        Duration window = o.monitor(cli, drill ? Duration.ofSeconds(10) : Duration.ofMinutes(15));
        Duration interval = ScenarioOptions.interval(window);
        RetryPolicy retry = RetryPolicy.exponential(8, Duration.ofMillis(500));
        Map<String, String> options = Map.of("port", Integer.toString(port));
        RecoveryPlan plan = switch (scenario) {
            case ServerFailure.ID -> ServerFailure.builder()
                    .provisioning(hookStep(PROVISION, "provisioning of the new server"))
                    .restore(strategy, repo, base()).restoreOptions(options)
                    .deployment(hookStep(DEPLOY, "deployment of the application"))
                    .healthChecks(all).verifyRetry(retry).monitor(window, interval).build();
            case DatacenterOutage.ID -> DatacenterOutage.builder()
                    .provisioning(hookStep(PROVISION, "provisioning of the DR site"))
                    .restoreFromMirror(strategy, repo, base()).restoreOptions(options)
                    .deployment(hookStep(DEPLOY, "deployment of the application at the DR site"))
                    .switchTraffic(hookStep(TRAFFIC, "the traffic switch to the DR site"))
                    .drSiteChecks(all).publicChecks(app.isEmpty() ? db : app).verifyRetry(retry)
                    .monitor(window, interval).build();
            case Ransomware.ID -> {
                Ransomware b = Ransomware.builder()
                        .isolation(hookStep(ISOLATE, "isolation of the affected systems"))
                        .restore(strategy, repo, base()).restoreOptions(options)
                        .rebuild(hookStep(PROVISION, "rebuild of the compromised systems"))
                        .deployment(hookStep(DEPLOY, "deployment of a clean application image"))
                        .credentialRotation(hookStep(ROTATE, "rotation of the credentials"))
                        .healthChecks(all).verifyRetry(retry);
                if (compromisedAt == null) {
                    b.recoveryTarget(ctx -> RecoveryTarget.latest());
                }
                yield b.build();
            }
            default -> throw new IllegalArgumentException(scenario);
        };
        Map<String, String> facts = describe();
        List<AutoCloseable> resources = List.of(dr, repo);
        if (scratch == null) {
            return new Scenarios.Prepared(plan, inputs(), facts, null, resources);
        }
        ScratchSiteDrill env = new ScratchSiteDrill(scenario, location, pg, scratch, base(), port, used, o.checks,
                o.keep, compromisedAt);
        return new Scenarios.Prepared(plan, inputs(), facts, env, resources);
    }
}
