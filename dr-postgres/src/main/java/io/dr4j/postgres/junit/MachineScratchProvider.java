package io.dr4j.postgres.junit;

import java.util.Optional;

import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

/** The distribution's PostgreSQL under {@code /usr/lib/postgresql/<major>}. */
final class MachineScratchProvider implements ScratchProvider {

    @Override
    public String name() {
        return "machine binaries";
    }

    @Override
    public PostgresBinaries binaries(int major) {
        return PostgresBinaries.installed(major).orElseThrow(() -> new Unavailable("no /usr/lib/postgresql/" + major
                + "/bin/postgres on this machine (install it: apt-get install postgresql-" + major + ")", null));
    }

    @Override
    public ScratchServer start(int major) {
        Optional<PostgresBinaries> b = PostgresBinaries.installed(major)
                .or(() -> PostgresBinaries.newestInstalled().filter(x -> x.majorVersion() >= major));
        return startCluster(b.orElseThrow(() -> new Unavailable("no PostgreSQL " + major + " or newer under "
                + "/usr/lib/postgresql (install it: apt-get install postgresql-" + major + ")", null)), name());
    }

    static ScratchServer startCluster(PostgresBinaries bin, String name) {
        ScratchCluster pg = ScratchCluster.builder().binaries(bin).start();
        return new ScratchServer(pg.host(), pg.port(), bin.majorVersion(), pg.superuser(), null,
                name + " PostgreSQL " + bin.version(), pg::close);
    }

    @Override
    public String toString() {
        return name();
    }
}
