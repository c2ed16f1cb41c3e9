package io.dr4j.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.deploy.spi.DeployerProvider;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.spi.NoSuchProviderException;
import io.dr4j.core.spi.Providers;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr deploy|rollback|history docker|k8s}: deploy with a health gate, roll back, show revisions. */
final class DeployCommands {
    private DeployCommands() {
    }

    /** Which service: a Docker container/Compose service, or a Kubernetes deployment. */
    static final class Target {
        @Option(names = "--service", paramLabel = "NAME", description = "Docker: container name or Compose project/service.")
        String service;

        @Option(names = "--deployment", paramLabel = "NAME", description = "Kubernetes: the Deployment (or StatefulSet).")
        String deployment;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Kubernetes namespace (default: the context's).")
        String namespace;

        String service(String platform) {
            if (platform.equals("docker")) {
                if (service == null) {
                    throw new ConfigurationException("dr " + platform + " commands need --service NAME");
                }
                return service;
            }
            String name = deployment != null ? deployment : service;
            if (name == null) {
                throw new ConfigurationException("Kubernetes commands need --deployment NAME");
            }
            return namespace == null ? name : namespace + "/" + name;
        }
    }

    static Deployer deployer(Cli cli, String platform) {
        String id = switch (platform) {
            case "docker" -> "docker";
            case "k8s", "kubernetes" -> "k8s";
            default -> throw new ConfigurationException("Unknown platform '" + platform + "': use docker or k8s");
        };
        DeployerProvider p = Providers.deployers().byId(id, DeployerProvider::id);
        if (p == null) {
            throw new NoSuchProviderException("No '" + id + "' deployer is installed: add io.dr4j:dr-deploy-"
                    + (id.equals("k8s") ? "k8s" : "docker") + " to the class path");
        }
        ProviderConfig config = cli.config().scope("dr.deploy." + id);
        return p.create(config);
    }

    static void print(Cli cli, DeploymentResult r) {
        if (cli.json()) {
            Output.json(cli.out(), r);
            return;
        }
        cli.out().println(r.outcome() + ": " + r.message());
        r.phases().forEach((k, v) -> cli.out().println(String.format("  %-10s %s", k, BackupCommand.seconds(v))));
        cli.out().println("  total      " + BackupCommand.seconds(r.total()));
        cli.out().flush();
    }

    static int exit(DeploymentResult r) {
        return r.isSuccess() ? ExitCode.OK : ExitCode.FAILED;
    }

    @Command(name = "deploy", description = {"Deploy an image to a service and wait for it to be healthy; roll back "
            + "automatically when it is not within the deadline.", "Exit code 1 when the new version was rolled "
            + "back or failed."})
    static final class Deploy implements Callable<Integer> {
        @ParentCommand
        DrCommand parent;

        @Parameters(paramLabel = "PLATFORM", description = "docker or k8s")
        String platform;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target = new Target();

        @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "The image to deploy.")
        String image;

        @Option(names = "--container", paramLabel = "NAME", description = "Kubernetes: the container in the pod.")
        String container;

        @Option(names = "--change-cause", paramLabel = "TEXT", description = "Why, kept in the history.")
        String changeCause;

        @Option(names = "--health-url", paramLabel = "URL", description = "An HTTP endpoint that must answer 200 (repeatable).")
        List<URI> healthUrls = new ArrayList<>();

        @Option(names = "--deadline", paramLabel = "DURATION", description = "How long the new version may take to be healthy (default 5m).")
        String deadline = "5m";

        @Option(names = "--no-auto-rollback", description = "Leave an unhealthy new version in place.")
        boolean noAutoRollback;

        @Override
        public Integer call() {
            Cli cli = parent.cli();
            List<HealthCheck> gate = new ArrayList<>();
            healthUrls.forEach(u -> gate.add(HealthChecks.forHttp(u)));
            DeploymentSpec spec = DeploymentSpec.of(target.service(platform), image)
                    .withDeadline(ProviderConfig.parseDuration(deadline)).withHealthGate(gate)
                    .withChangeCause(changeCause).withContainer(container).withAutoRollback(!noAutoRollback);
            try (Deployer d = deployer(cli, platform)) {
                DeploymentResult r = d.deploy(spec);
                print(cli, r);
                return exit(r);
            }
        }
    }

    @Command(name = "rollback", description = {"Roll a service back to its previous revision (or --to-revision N), "
            + "like kubectl rollout undo, behind the same health gate.", "--dry-run says what would change."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        DrCommand parent;

        @Parameters(paramLabel = "PLATFORM", description = "docker or k8s")
        String platform;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target = new Target();

        @Option(names = "--to-revision", paramLabel = "N", description = "The revision to go back to (default: the previous).")
        long toRevision;

        @Option(names = "--dry-run", description = "Only say what would change.")
        boolean dryRun;

        @Option(names = "--health-url", paramLabel = "URL", description = "An HTTP endpoint that must answer 200 (repeatable).")
        List<URI> healthUrls = new ArrayList<>();

        @Option(names = "--deadline", paramLabel = "DURATION", description = "How long to wait for health (default 5m).")
        String deadline = "5m";

        @Override
        public Integer call() {
            Cli cli = parent.cli();
            List<HealthCheck> gate = new ArrayList<>();
            healthUrls.forEach(u -> gate.add(HealthChecks.forHttp(u)));
            RollbackRequest req = (toRevision > 0 ? RollbackRequest.toRevision(toRevision) : RollbackRequest.toPrevious())
                    .withHealthGate(gate).withDeadline(ProviderConfig.parseDuration(deadline));
            if (dryRun) {
                req = req.asDryRun();
            }
            try (Deployer d = deployer(cli, platform)) {
                DeploymentResult r = d.rollback(target.service(platform), req);
                print(cli, r);
                return exit(r);
            }
        }
    }

    @Command(name = "history", description = "The revisions of a service, oldest first.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        DrCommand parent;

        @Parameters(paramLabel = "PLATFORM", description = "docker or k8s")
        String platform;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target = new Target();

        @Override
        public Integer call() {
            Cli cli = parent.cli();
            try (Deployer d = deployer(cli, platform)) {
                List<Revision> revisions = d.history(target.service(platform));
                if (cli.json()) {
                    Output.json(cli.out(), revisions);
                    return ExitCode.OK;
                }
                List<List<String>> rows = new ArrayList<>();
                for (Revision r : revisions) {
                    rows.add(List.of(Long.toString(r.number()) + (r.current() ? " *" : ""), r.image(),
                            String.valueOf(r.createdAt()), r.changeCause() == null ? "" : r.changeCause()));
                }
                Output.table(cli.out(), List.of("REVISION", "IMAGE", "CREATED", "CHANGE-CAUSE"), rows);
                return ExitCode.OK;
            }
        }
    }
}
