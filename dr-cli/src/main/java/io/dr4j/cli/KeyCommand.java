package io.dr4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryDescriptor;
import io.dr4j.core.codec.KeyProvider;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr key rotate}: re-wrap the repository's data keyset under a new key. */
@Command(name = "key", description = "Repository key commands.", subcommands = KeyCommand.Rotate.class)
final class KeyCommand implements Runnable {
    @ParentCommand
    DrCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(parent.cli().out());
    }

    @Command(name = "rotate", description = {"Wrap the repository's data keyset under a new key: only "
            + "repository.json is rewritten, no backup or WAL object is touched; afterwards only the new key opens "
            + "the repository.",
            "The current key comes from dr.repository.key-file or DR_REPOSITORY_KEY. Run it while nothing else writes "
                    + "to the repository, then point dr.repository.key-file at the new key (keep the old one until "
                    + "the new one is checked)."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        KeyCommand key;

        @Option(names = "--new-key-file", required = true, paramLabel = "FILE", description = "The new key: base64 of "
                + "32 random bytes (openssl rand -base64 32 > FILE), or 32 raw bytes.")
        Path newKeyFile;

        @Override
        public Integer call() {
            Cli cli = key.parent.cli();
            KeyProvider current = KeyProvider.fromConfig(cli.config());
            if (current == null) {
                throw new ConfigurationException("No current repository key: set dr.repository.key-file (or "
                        + "DR_REPOSITORY_KEY) to the key the repository is encrypted with");
            }
            KeyProvider next = KeyProvider.fromFile(newKeyFile);
            try (DisasterRecovery dr = cli.disasterRecovery()) {
                String before = Repository.readDescriptor(dr.target()).map(RepositoryDescriptor::encryption)
                        .map(e -> String.valueOf(e.get("keyId"))).orElse("?");
                RepositoryDescriptor d = Repository.rotateKey(dr.target(), current, next);
                String after = String.valueOf(d.encryption() == null ? "?" : d.encryption().get("keyId"));
                if (cli.json()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("repository", dr.target().location().toString());
                    out.put("previousKeyId", before);
                    out.put("keyId", after);
                    Output.json(cli.out(), out);
                } else {
                    cli.info("Rotated the key of " + dr.target().location() + ": key id " + before + " -> " + after
                            + ". Only repository.json was rewritten. Use " + newKeyFile + " as dr.repository.key-file "
                            + "from now on.");
                }
                return ExitCode.OK;
            }
        }
    }
}
