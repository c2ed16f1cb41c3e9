package io.dr4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalRestore;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr restore-database FILE}: the DR plan's {@code restore-database.sh <backup_file>}. */
@Command(name = "restore-database", description = {"Restore a database from a dump file: plain SQL (.sql, .sql.gz "
        + "such as swe_db_20251109_020000.sql.gz), a pg_dump custom archive, or a directory-format dump.",
        "The database is created when missing; an existing one needs --clean."})
final class RestoreDatabaseCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Mixin
    PgOptions pg = new PgOptions();

    @Parameters(paramLabel = "FILE", description = "The dump file or directory.")
    Path file;

    @Option(names = "--clean", description = "Replace the contents of an existing database.")
    boolean clean;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        PgTarget target = pg.target(cli);
        cli.info("Restoring " + file + " into " + target + " ...");
        RestoreResult r = PostgresLogicalRestore.builder().target(target).clean(clean).build().restoreFile(file);
        if (cli.json()) {
            Output.json(cli.out(), r);
        } else {
            cli.info("Restored " + file.getFileName() + " into database " + target.database() + " in "
                    + r.total().toMillis() + " ms");
        }
        return ExitCode.OK;
    }
}
