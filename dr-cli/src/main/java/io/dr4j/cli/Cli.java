package io.dr4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.FileBackupTargetProvider;

/**
 * What a command needs from the command line: configuration with its precedence (flags over {@code DR_*}
 * environment over the {@code --config} file), the repository, output and progress. One per invocation.
 */
public final class Cli {
    private final GlobalOptions options;
    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private ProviderConfig config;
    private boolean initNonEmpty;

    Cli(GlobalOptions options, Map<String, String> env, PrintWriter out, PrintWriter err, boolean interactive) {
        this.options = options;
        this.env = env;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public GlobalOptions options() {
        return options;
    }

    public Map<String, String> env() {
        return env;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public boolean json() {
        return options.json;
    }

    public boolean quiet() {
        return options.quiet;
    }

    public boolean verbose() {
        return options.verbose;
    }

    /** Whether a person is watching a terminal (progress bar) rather than a log (plain lines). */
    public boolean interactive() {
        return interactive;
    }

    /** {@code --init-non-empty}: create the repository even where other files are (before {@link #config()}). */
    Cli initNonEmpty(boolean allow) {
        this.initNonEmpty = allow;
        this.config = null;
        return this;
    }

    /** The merged configuration: {@code --config} file, overlaid by {@code DR_*} variables, overlaid by flags. */
    public ProviderConfig config() {
        if (config == null) {
            Properties p = new Properties();
            if (options.config != null) {
                if (!Files.isRegularFile(options.config)) {
                    throw new ConfigurationException("Configuration file " + options.config
                            + " does not exist. Check --config");
                }
                try (InputStream in = Files.newInputStream(options.config)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new ConfigurationException("Cannot read configuration file " + options.config + ": "
                            + e.getMessage(), e);
                }
            }
            ProviderConfig c = ProviderConfig.from(p, env);
            if (!options.repos.isEmpty()) {
                c = c.with("dr.repository", String.join(",", options.repos));
            }
            if (initNonEmpty) {
                c = c.with("dr.repository.init-non-empty", "true");
            }
            config = c;
        }
        return config;
    }

    /** The repository location(s) from the flags or configuration. */
    public java.util.List<URI> repositoryLocations() {
        String v = config().get("dr.repository").orElseThrow(() -> new ConfigurationException(
                "No repository given. Pass --repo file:/var/backups/db (or s3://…, gs://…), or set DR_REPOSITORY"));
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(BackupTargets::parse).toList();
    }

    /** The configured {@link DisasterRecovery} (the target of the repository location). */
    public DisasterRecovery disasterRecovery() {
        java.util.List<URI> locations = repositoryLocations();
        URI location = locations.size() == 1 ? locations.get(0)
                : URI.create("mirror:" + String.join(",", locations.stream().map(URI::toString).toList()));
        // every backup attempt (and a failure's reason) goes to status/last-backup.json, for `dr health` and monitors
        DisasterRecovery.Configuration c = DisasterRecovery.configure().config(config()).repository(location)
                .recordBackupStatus(true);
        if ("file".equalsIgnoreCase(location.getScheme()) && config().get("dr.storage.provider").isEmpty()) {
            // dr-core's provider is the one for file: on the command's class path; asking ServiceLoader for all of
            // them would read the central directory of each of the ~200 jars (~0.2 s of a call's start)
            c.backupTargetProviders(java.util.List.of(new FileBackupTargetProvider()));
        }
        return c.load();
    }

    /** Opens the existing repository. */
    public Repository repository() {
        return disasterRecovery().repository();
    }

    private @org.jspecify.annotations.Nullable ProgressRenderer renderer;

    /** A progress listener drawing a bar on a terminal, plain lines otherwise, nothing when quiet or JSON. */
    public io.dr4j.core.ProgressListener progress() {
        if (options.quiet || options.json) {
            return io.dr4j.core.ProgressListener.NONE;
        }
        ProgressRenderer r = new ProgressRenderer(err, interactive);
        renderer = r;
        return r;
    }

    /**
     * Ends the progress bar's line before the command's summary (nothing when no bar was drawn: with --quiet,
     * --json or output that is not a terminal, stderr gets no stray empty line).
     */
    public void endProgressLine() {
        ProgressRenderer r = renderer;
        if (r != null) {
            r.finish();
        }
    }

    /** A line for people (suppressed by --quiet and --json). */
    public void info(String line) {
        if (!options.quiet && !options.json) {
            out.println(line);
            out.flush();
        }
    }
}
