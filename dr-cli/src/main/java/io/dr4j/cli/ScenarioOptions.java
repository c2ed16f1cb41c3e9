package io.dr4j.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.Objectives;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code dr plan run} and {@code dr drill}: the collaborators a scenario needs and how to run it. */
final class ScenarioOptions {
    @Mixin
    PgOptions pg = new PgOptions();

    @Option(names = "--report", paramLabel = "DIR", description = "Where the report (<run id>.json and .md) and the "
            + "run state go (default: dr.plan.report-dir, else ./dr-reports).")
    Path report;

    @Option(names = "--dry-run", description = "Print the collaborators and the steps that would run, in order, with "
            + "their expected timing; run nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Confirm the run and approve every approval point (needed when no "
            + "terminal can ask).")
    boolean yes;

    @Option(names = "--service", paramLabel = "NAME", description = "database-corruption: an application service to "
            + "stop and start (repeatable; dr.plan.services). application-rollback: the service to roll back (Docker "
            + "container/Compose service, or namespace/deployment).")
    List<String> services = new ArrayList<>();

    @Option(names = "--health-url", paramLabel = "URL", description = "An application endpoint that must answer 2xx "
            + "(repeatable; dr.plan.health-urls, comma-separated).")
    List<URI> healthUrls = new ArrayList<>();

    @Option(names = "--check", paramLabel = "SQL", description = "A query on the restored database whose first column "
            + "must be true/non-null/non-zero (repeatable; not application-rollback).")
    List<String> checks = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "PLATFORM", description = "application-rollback: docker or k8s "
            + "(default: dr.plan.platform, else docker).")
    String platform;

    @Option(names = "--deadline", paramLabel = "DURATION", description = "application-rollback: how long the "
            + "rolled-back version may take to be healthy (default 3m).")
    String deadline;

    @Option(names = "--monitor", paramLabel = "DURATION", description = "How long the final monitoring step watches "
            + "the health checks (dr.plan.monitor; default: the plan's, 15m/5m; drills 10s).")
    String monitor;

    @Option(names = "--restore-port", paramLabel = "PORT", description = "Port of the restored server on 127.0.0.1 "
            + "(default: a free port).")
    Integer restorePort;

    @Option(names = "--to", paramLabel = "DIR", description = "plan run: the new data directory to restore into "
            + "(dr.plan.restore-to); ransomware restores into DIR/<run id>, never over the compromised data. Drills "
            + "restore into a scratch directory.")
    Path to;

    @Option(names = "--target-time", paramLabel = "ISO8601", description = "database-corruption, plan run: recover to "
            + "just before this instant (default: the incident time, see --incident-time).")
    String targetTime;

    @Option(names = "--wait-archive", paramLabel = "DURATION", description = "drill of database-corruption: how "
            + "long to wait for the incident's WAL to reach the repository (default 60s).")
    String waitArchive;

    @Option(names = "--bad-image", paramLabel = "IMAGE", description = "drill of application-rollback: the image "
            + "deployed as the simulated bad release (to a non-production --service).")
    String badImage;

    @Option(names = "--secondary-repo", paramLabel = "URI", description = "datacenter-outage: the secondary region's "
            + "copy of the repository, the only one read (dr.plan.secondary-repository; default: the last of two "
            + "--repo). The primary may be down.")
    String secondaryRepo;

    @Option(names = "--compromised-at", paramLabel = "ISO8601", description = "ransomware: the first sign of the "
            + "compromise. The newest backup finished before it that passes the read-data verification is restored, "
            + "with the WAL up to just before it (default: the newest clean backup, all archived WAL).")
    String compromisedAt;

    @Option(names = "--keep", description = "drill: keep the scratch restore (and leave its server running).")
    boolean keep;

    @Option(names = "--input", paramLabel = "KEY=VALUE", description = "A plan input (see 'dr plan render'); "
            + "repeatable.")
    Map<String, String> inputs = new LinkedHashMap<>();

    /** The report directory. */
    Path reportDir(Cli cli) {
        return report != null ? report : Path.of(cli.config().get("dr.plan.report-dir", "dr-reports"));
    }

    /** How long the monitoring step watches: {@code --monitor}, else {@code dr.plan.monitor}, else {@code dflt}. */
    java.time.Duration monitor(Cli cli, java.time.Duration dflt) {
        String v = monitor != null ? monitor : cli.config().get("dr.plan.monitor").orElse(null);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return ProviderConfig.parseDuration(v.trim());
        } catch (RuntimeException e) {
            throw new ConfigurationException((monitor != null ? "--monitor" : "dr.plan.monitor") + " is not a "
                    + "duration (e.g. 30s, 15m): " + v, e);
        }
    }

    /** The monitoring step's interval: a fifth of the window, between 250 ms and 30 s. */
    static java.time.Duration interval(java.time.Duration window) {
        java.time.Duration i = window.dividedBy(5);
        return i.compareTo(java.time.Duration.ofSeconds(30)) > 0 ? java.time.Duration.ofSeconds(30)
                : i.compareTo(java.time.Duration.ofMillis(250)) < 0 ? java.time.Duration.ofMillis(250) : i;
    }

    List<String> services(Cli cli) {
        if (!services.isEmpty()) {
            return services;
        }
        return csv(cli.config().get("dr.plan.services", ""));
    }

    List<URI> healthUrls(Cli cli) {
        if (!healthUrls.isEmpty()) {
            return healthUrls;
        }
        return csv(cli.config().get("dr.plan.health-urls", "")).stream().map(URI::create).toList();
    }

    static List<String> csv(String v) {
        return List.of(v.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The objectives: the DR plan's table, overridden by {@code dr.objectives.rto.<component>} and
     * {@code dr.objectives.rpo.<component>} (component in lower case with dashes, e.g. {@code application-state}).
     */
    static Objectives objectives(ProviderConfig config) {
        Objectives o = Objectives.defaults();
        for (Component c : Component.values()) {
            String key = c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            var rto = config.get("dr.objectives.rto." + key);
            var rpo = config.get("dr.objectives.rpo." + key);
            try {
                if (rto.isPresent()) {
                    o = o.withRto(c, ProviderConfig.parseDuration(rto.get()));
                }
                if (rpo.isPresent()) {
                    o = o.withRpo(c, ProviderConfig.parseDuration(rpo.get()));
                }
            } catch (RuntimeException e) {
                throw new ConfigurationException("dr.objectives.*." + key + " is not a duration (e.g. 15m, 1h): "
                        + e.getMessage(), e);
            }
        }
        return o;
    }
}
