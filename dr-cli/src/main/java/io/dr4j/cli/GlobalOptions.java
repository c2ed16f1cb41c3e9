package io.dr4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes. */
public final class GlobalOptions {

    @Option(names = "--repo", paramLabel = "URI", scope = ScopeType.INHERIT,
            description = "Repository location: file:/path, s3://bucket/prefix, gs://bucket/prefix or a path. "
                    + "Repeat to mirror. Default: dr.repository / DR_REPOSITORY.")
    List<String> repos = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Properties file with dr.* keys (lowest precedence; DR_* environment and flags override).")
    Path config;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Only errors.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More detail, and stack traces on errors.")
    boolean verbose;
}
