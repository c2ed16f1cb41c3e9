package io.dr4j.core.health;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The built-in health checks: {@code HealthChecks.forHttp(uri)}, {@code forTcp(host, port)},
 * {@code forDiskSpace(path, minFreeBytes)} and {@code composite(name)}. Every check returns DOWN with the reason
 * instead of throwing. PostgreSQL checks live in dr-postgres, container and deployment checks in the deployers.
 */
public final class HealthChecks {
    private HealthChecks() {
    }

    /** An HTTP GET that expects status 200 (configurable) and optionally a text in the body. */
    public static HttpHealthCheck forHttp(URI uri) {
        return new HttpHealthCheck(Objects.requireNonNull(uri, "uri"));
    }

    /** A TCP connect to {@code host:port}. */
    public static TcpHealthCheck forTcp(String host, int port) {
        return new TcpHealthCheck(host, port);
    }

    /** UP while the file system of {@code path} has at least {@code minFreeBytes} usable, else DOWN. */
    public static DiskSpaceHealthCheck forDiskSpace(Path path, long minFreeBytes) {
        return new DiskSpaceHealthCheck(path, minFreeBytes);
    }

    /** Several checks run in parallel, each within its own timeout; the worst status wins. */
    public static CompositeHealthCheck.Builder composite(String name) {
        return CompositeHealthCheck.builder(name);
    }

    /** A composite of {@code checks}, all critical. */
    public static CompositeHealthCheck composite(String name, HealthCheck... checks) {
        CompositeHealthCheck.Builder b = CompositeHealthCheck.builder(name);
        for (HealthCheck c : checks) {
            b.add(c);
        }
        return b.build();
    }
}
