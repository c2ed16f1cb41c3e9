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

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.spi.DeployerProvider;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.core.plan.scenario.ApplicationRollback;
import io.dr4j.core.spi.NoSuchProviderException;
import io.dr4j.core.spi.Providers;

/**
 * application-rollback from the command line: the Docker or Kubernetes deployer from {@code dr.deploy.*}, the service,
 * the health checks. The drill deploys {@code --bad-image} to a non-production service first (the simulated bad
 * release), lets the plan roll it back and checks the service runs its former image again.
 */
final class RollbackSetup implements Scenarios.Setup {
    private final Cli cli;
    private final ScenarioOptions o;
    private final boolean drill;
    private final String platform;
    private final String service;
    private final List<URI> healthUrls;
    private final ProviderConfig deployConfig;

    RollbackSetup(Cli cli, ScenarioOptions o, boolean drill) {
        this.cli = cli;
        this.o = o;
        this.drill = drill;
        ProviderConfig config = cli.config();
        Scenarios.Missing missing = new Scenarios.Missing();
        String p = o.platform != null ? o.platform : config.get("dr.plan.platform", "docker");
        this.platform = switch (p) {
            case "docker" -> "docker";
            case "k8s", "kubernetes" -> "k8s";
            default -> throw new ConfigurationException("Unknown platform '" + p + "': use --platform docker or k8s");
        };
        ProviderConfig dc = config.scope("dr.deploy." + platform);
        if (platform.equals("docker")) {
            if (dc.get("host").isEmpty() && cli.env().containsKey("DOCKER_HOST")) {
                dc = dc.with("host", cli.env().get("DOCKER_HOST"));
            }
            if (dc.get("host").isEmpty() && !Files.exists(Path.of("/var/run/docker.sock"))) {
                missing.add("scenario application-rollback needs a Docker engine: set DOCKER_HOST or "
                        + "dr.deploy.docker.host (DR_DEPLOY_DOCKER_HOST), e.g. unix:///var/run/docker.sock");
            }
        } else if (dc.get("kubeconfig").isEmpty() && dc.get("context").isEmpty() && !dc.getBoolean("in-cluster", false)
                && !cli.env().containsKey("KUBECONFIG")
                && !Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))) {
            missing.add("scenario application-rollback on Kubernetes needs a cluster: set KUBECONFIG, "
                    + "dr.deploy.k8s.kubeconfig or dr.deploy.k8s.context (or dr.deploy.k8s.in-cluster=true)");
        }
        this.deployConfig = dc;
        List<String> s = o.services(cli);
        String svc = o.inputs.getOrDefault("service", s.isEmpty() ? null : s.get(0));
        if (svc == null) {
            missing.add("scenario application-rollback needs the service to roll back: pass --service NAME "
                    + "(Docker container or Compose service, or namespace/deployment on Kubernetes)");
        } else if (s.size() > 1) {
            missing.add("scenario application-rollback rolls back one service; " + s.size() + " were given ("
                    + String.join(", ", s) + "): run it once per service");
        }
        this.service = svc;
        this.healthUrls = o.healthUrls(cli);
        if (healthUrls.isEmpty()) {
            missing.add("scenario application-rollback verifies the rolled-back version: pass --health-url URL or "
                    + "set dr.plan.health-urls");
        }
        if (drill && o.badImage == null) {
            missing.add("the application-rollback drill deploys a bad release to a non-production service first: "
                    + "pass --bad-image IMAGE (and --service NAME of a staging service)");
        }
        missing.check();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("deployer", platform + (platform.equals("docker") ? " at " + deployConfig.get("host").orElse(
                "unix:///var/run/docker.sock") : deployConfig.get("context").map(c -> " context " + c).orElse("")));
        d.put("service", service + (drill ? " (must not be production: the drill deploys " + o.badImage + " to it)" : ""));
        d.put("health checks", String.join(", ", healthUrls.stream().map(URI::toString).toList()));
        d.put("rollback deadline", RecoveryPlan.human(deadline()));
        ScenarioOptions.objectives(cli.config()).rto(Component.APPLICATION).ifPresent(r -> d.put("RTO objective",
                RecoveryPlan.human(r)));
        return d;
    }

    @Override
    public Map<String, String> inputs() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("service", service);
        return Scenarios.inputs(in, o);
    }

    private Duration deadline() {
        return o.deadline == null ? Duration.ofMinutes(3) : ProviderConfig.parseDuration(o.deadline);
    }

    private Deployer deployer() {
        DeployerProvider p = Providers.deployers().byId(platform, DeployerProvider::id);
        if (p == null) {
            throw new NoSuchProviderException("No '" + platform + "' deployer is installed: add io.dr4j:dr-deploy-"
                    + platform + " to the class path");
        }
        return p.create(deployConfig);
    }

    private RecoveryPlan plan(Deployer d, Duration defaultMonitor) {
        List<HealthCheck> checks = new ArrayList<>();
        healthUrls.forEach(u -> checks.add(HealthChecks.forHttp(u)));
        Duration window = o.monitor(cli, defaultMonitor);
        Duration interval = window.dividedBy(5).compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250)
                : window.dividedBy(5).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : window.dividedBy(5);
        return ApplicationRollback.builder().deployer(d).healthChecks(checks).rollbackDeadline(deadline())
                .verifyRetry(RetryPolicy.exponential(6, Duration.ofMillis(500))).monitor(window, interval).build();
    }

    @Override
    public Scenarios.Prepared forRun() {
        Deployer d = deployer();
        return new Scenarios.Prepared(plan(d, Duration.ofMinutes(5)), inputs(), describe(), null, List.of(d));
    }

    @Override
    public Scenarios.Prepared forDrill() {
        Deployer d = deployer();
        DrillEnvironment env = new DrillEnvironment() {
            private String before;
            private final Map<String, String> facts = new LinkedHashMap<>();

            @Override
            public String description() {
                return platform + " service " + service + " (non-production), bad release " + o.badImage;
            }

            @Override
            public Map<String, String> facts() {
                return facts;
            }

            @Override
            public Instant simulate() {
                before = current(d).image();
                facts.put("image before the drill", before);
                Instant at = Instant.now();
                DeploymentResult r = d.deploy(DeploymentSpec.of(service, o.badImage).withDeadline(deadline())
                        .withAutoRollback(false).withChangeCause("dr drill: simulated bad release"));
                facts.put("bad release", o.badImage + ": " + r.outcome());
                if (!current(d).image().equals(o.badImage)) {
                    throw new IllegalStateException("The bad release " + o.badImage + " could not be put in place ("
                            + r.outcome() + ": " + r.message() + "); nothing to roll back");
                }
                return at;
            }

            @Override
            public List<String> verify(PlanResult result) {
                String now = current(d).image();
                facts.put("image after the drill", now);
                return now.equals(before) ? List.of() : List.of(service + " runs " + now + " after the rollback, "
                        + "not " + before + " as before the bad release");
            }
        };
        return new Scenarios.Prepared(plan(d, Duration.ofSeconds(10)), inputs(), describe(), env, List.of(d));
    }

    private Revision current(Deployer d) {
        return d.history(service).stream().filter(Revision::current).reduce((a, b) -> b).orElseThrow(() ->
                new IllegalStateException(service + " has no current revision: is it deployed?"));
    }
}
