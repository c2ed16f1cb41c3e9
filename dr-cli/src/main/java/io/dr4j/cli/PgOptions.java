package io.dr4j.cli;

import java.util.Map;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;
import io.dr4j.postgres.logical.PgTarget;

import picocli.CommandLine.Option;

/**
 * PostgreSQL connection options. Precedence: flags, then {@code DR_POSTGRES_*} / {@code dr.postgres.*}, then libpq's
 * {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}. The password is read only from
 * {@code PGPASSWORD} (or {@code dr.postgres.password} in a file) or ~/.pgpass — never from a flag.
 */
final class PgOptions {
    @Option(names = "--host", paramLabel = "HOST", description = "PostgreSQL host (PGHOST).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "PostgreSQL port (PGPORT).")
    Integer port;

    @Option(names = {"-U", "--user"}, paramLabel = "USER", description = "Role (PGUSER).")
    String user;

    @Option(names = {"-d", "--dbname"}, paramLabel = "DB", description = "Database (PGDATABASE).")
    String database;

    /** The cluster handle for physical backups and the archiver; {@code dataDir} may be null (stream mode). */
    io.dr4j.postgres.PostgresCluster cluster(Cli cli, java.nio.file.@org.jspecify.annotations.Nullable Path dataDir) {
        PgTarget t = target(cli);
        return io.dr4j.postgres.PostgresCluster.builder().environment(cli.env()).host(t.host()).port(t.port())
                .user(t.user()).database(t.database()).password(t.password()).dataDir(dataDir).build();
    }

    PgTarget target(Cli cli) {
        Map<String, String> env = cli.env();
        ProviderConfig pg = cli.config().scope("dr.postgres");
        PgTarget base = PgTarget.fromEnvironment(env);
        String h = host != null ? host : pg.get("host", base.host());
        int p = port != null ? port : pg.getInt("port", base.port());
        String u = user != null ? user : pg.get("user", base.user());
        String d = database != null ? database : pg.get("database", base.database());
        Secret pw = pg.secret("password").orElse(base.password());
        return new PgTarget(h, p, u, pw, d);
    }
}
