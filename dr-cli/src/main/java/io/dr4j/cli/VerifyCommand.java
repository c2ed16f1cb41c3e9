package io.dr4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.backup.verify.WalChainVerifier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr verify}: WAL chain always, stored data on request. Exit 3 when problems are found. */
@Command(name = "verify", description = {"Verify the repository: WAL continuity and the restorable window; with "
        + "--read-data, re-read objects and check their SHA-256. Results are kept in the repository.",
        "Exit code 3 when problems were found."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Option(names = "--read-data", description = "Re-read stored objects and check size and SHA-256.")
    boolean readData;

    @Option(names = "--sample", paramLabel = "PCT", description = "With --read-data: check this percentage of objects (daily use).")
    Double sample;

    @Option(names = "--backup", paramLabel = "ID", description = "With --read-data: only these backups; with "
            + "--test-restore: the backup to restore (default: the newest).")
    List<String> backups = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", description = "Concurrent reads (default: cores).")
    int parallel;

    @Option(names = "--test-restore", description = "Restore the newest backup (or --backup) into a scratch cluster on "
            + "127.0.0.1 and check it: pg_amcheck, pg_checksums (physical), SQL checks, row counts (logical). "
            + "Reports the measured restore time.")
    boolean testRestore;

    @Option(names = "--check", paramLabel = "SQL", description = "With --test-restore: a query whose first column must "
            + "be true/non-null (repeatable; default: SELECT COUNT(*) FROM information_schema.tables).")
    List<String> checks = new ArrayList<>();

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        if (sample != null && !readData) {
            throw new io.dr4j.core.ConfigurationException("--sample goes with --read-data");
        }
        try (Repository repo = cli.repository()) {
            List<VerificationRecord> records = new ArrayList<>();
            WalChainVerifier.Result chain = new WalChainVerifier(repo).check();
            records.add(new WalChainVerifier(repo).run());
            if (readData) {
                ReadDataVerifier v = new ReadDataVerifier(repo).backups(backups).progress(cli.progress());
                if (sample != null) {
                    v.sample(sample, System.currentTimeMillis());
                }
                if (parallel > 0) {
                    v.parallelism(parallel);
                }
                records.add(v.run());
            }
            if (testRestore) {
                var tr = io.dr4j.postgres.verify.TestRestore.builder();
                if (!checks.isEmpty()) {
                    tr.checks(checks);
                }
                records.add(tr.build().run(repo, backups.isEmpty() ? null : backups.get(backups.size() - 1)));
            }
            boolean ok = records.stream().allMatch(VerificationRecord::passed);
            if (cli.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("passed", ok);
                out.put("restorableFrom", chain.restorableFrom());
                out.put("restorableTo", chain.restorableTo());
                out.put("records", records);
                Output.json(cli.out(), out);
            } else {
                var out = cli.out();
                out.println("Restorable window  " + (chain.restorableFrom() == null ? "none"
                        : chain.restorableFrom() + " .. " + chain.restorableTo()));
                for (VerificationRecord r : records) {
                    out.println(String.format("%-12s %s  (%d ms)%s", r.kind().name().toLowerCase().replace('_', '-'),
                            r.passed() ? "passed" : "FAILED", r.duration().toMillis(),
                            r.details().containsKey("objects") ? "  " + r.details().get("objects") + " objects"
                            : r.details().containsKey("restoreSeconds") ? "  restore took " + r.details().get("restoreSeconds")
                            + " s (the RTO to expect)" : ""));
                    r.problems().forEach(p -> out.println("  - " + p));
                }
                out.flush();
            }
            return ok ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
        }
    }
}
