package io.dr4j.postgres.logical;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dr4j.core.ConfigurationException;
import io.dr4j.postgres.internal.Processes;

import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's client tools ({@code pg_dump}, {@code pg_dumpall}, {@code pg_restore}, {@code psql}) for a server's
 * major version: from a configured directory, the distribution's {@code /usr/lib/postgresql/<major>/bin}, the newest
 * installed newer version, or the PATH. A dump needs a {@code pg_dump} at least as new as the server.
 */
public final class ClientTools {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private final Path dir;
    private final int major;

    private ClientTools(Path dir, int major) {
        this.dir = dir;
        this.major = major;
    }

    /**
     * Finds tools able to work with a server of {@code serverMajor}.
     *
     * @param configuredDir a directory to use first (e.g. {@code dr.postgres.client-bin-dir}), or null
     */
    public static ClientTools forServer(int serverMajor, @Nullable Path configuredDir) {
        List<Path> candidates = new ArrayList<>();
        if (configuredDir != null) {
            candidates.add(configuredDir);
        }
        candidates.add(Path.of("/usr/lib/postgresql/" + serverMajor + "/bin"));
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var s = Files.list(base)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Integer::parseInt)
                        .filter(v -> v > serverMajor).sorted(Comparator.reverseOrder())
                        .forEach(v -> candidates.add(Path.of("/usr/lib/postgresql/" + v + "/bin")));
            } catch (java.io.IOException ignored) {
                // fall through to PATH
            }
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p));
            }
        }
        List<String> seen = new ArrayList<>();
        for (Path d : candidates) {
            Path pgDump = d.resolve("pg_dump");
            if (!Files.isExecutable(pgDump)) {
                continue;
            }
            int v = version(pgDump);
            seen.add(pgDump + " (" + v + ")");
            if (v >= serverMajor) {
                return new ClientTools(d, v);
            }
            if (configuredDir != null && d.equals(configuredDir)) {
                throw new ConfigurationException("The client tools in " + configuredDir + " are PostgreSQL " + v
                        + ", older than the server (" + serverMajor + "). Install postgresql-client-" + serverMajor
                        + " and point dr.postgres.client-bin-dir at its bin directory");
            }
        }
        throw new ConfigurationException("No pg_dump for PostgreSQL " + serverMajor + " or newer was found"
                + (seen.isEmpty() ? "" : " (found only: " + String.join(", ", seen) + ")")
                + ". Install the client tools (apt-get install postgresql-client-" + serverMajor
                + ") or set dr.postgres.client-bin-dir");
    }

    static int version(Path tool) {
        String out = Processes.check(List.of(tool.toString(), "--version"), Map.of(), null, Duration.ofSeconds(30));
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new ConfigurationException("Could not tell the version of " + tool + " from '" + out.strip() + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    public Path tool(String name) {
        Path p = dir.resolve(name);
        if (!Files.isExecutable(p)) {
            throw new ConfigurationException(name + " is missing from " + dir + ". Install the full client tools "
                    + "(apt-get install postgresql-client-" + major + ")");
        }
        return p;
    }

    public int majorVersion() {
        return major;
    }

    public Path dir() {
        return dir;
    }
}
