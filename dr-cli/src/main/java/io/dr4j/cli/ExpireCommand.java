package io.dr4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.ExpiryPlan;
import io.dr4j.core.backup.retention.ExpiryReport;
import io.dr4j.core.backup.retention.RetentionPolicy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dr expire}: apply retention. A dry run unless {@code --confirm}. */
@Command(name = "expire", description = {"Apply the retention policy: show what would be deleted (default), or "
        + "delete it with --confirm. The newest backup and the newest verified backup are always kept, WAL is kept "
        + "from the oldest kept backup on, locked objects are skipped."})
final class ExpireCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Option(names = "--policy", paramLabel = "SPEC", description = "30d, keep-last:7, gfs:7,4,12, pitr:14d, or "
            + "several joined with '+'. Default: dr.retention, else 30d.")
    String policy;

    @Option(names = "--confirm", description = "Really delete.")
    boolean confirm;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        RetentionPolicy p = RetentionPolicy.parse(policy != null ? policy : cli.config().get("dr.retention", "30d"));
        try (Repository repo = cli.repository()) {
            Expiry expiry = new Expiry(repo, p);
            ExpiryPlan plan = expiry.plan();
            ExpiryReport report = confirm ? expiry.execute(plan) : Expiry.dryRun(plan);
            if (cli.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("dryRun", report.dryRun());
                out.put("deleted", report.deletedBackups());
                out.put("kept", plan.keep());
                out.put("walDeleted", report.deletedWal());
                out.put("leftoversRemoved", report.leftoversRemoved());
                out.put("locked", report.skippedLocked());
                out.put("bytesFreed", report.bytesFreed());
                Output.json(cli.out(), out);
                return ExitCode.OK;
            }
            var out = cli.out();
            List<List<String>> rows = new ArrayList<>();
            plan.keep().forEach((id, why) -> rows.add(List.of(id, "keep", why)));
            plan.delete().forEach(id -> rows.add(List.of(id, confirm ? "deleted" : "would delete", "outside the policy")));
            plan.locked().forEach((id, until) -> rows.add(List.of(id, "locked", "immutable until " + until)));
            rows.sort((a, b) -> a.get(0).compareTo(b.get(0)));
            if (!rows.isEmpty()) {
                Output.table(out, List.of("BACKUP", "ACTION", "WHY"), rows);
            }
            out.println((confirm ? "Deleted " : "Would delete ") + report.deletedBackups().size() + " backups, "
                    + report.deletedWal() + " WAL files and " + report.leftoversRemoved().size()
                    + " leftovers of failed backups, freeing " + ProgressRenderer.bytes(report.bytesFreed())
                    + (plan.walKeptFrom() == null ? "" : "; WAL kept from position " + plan.walKeptFrom()));
            if (!confirm && !plan.isEmpty()) {
                out.println("This was a dry run. Run again with --confirm to delete.");
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
