package io.dr4j.core.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** UP when a TCP connection to {@code host:port} opens within the timeout. */
public final class TcpHealthCheck implements HealthCheck {
    private final String host;
    private final int port;
    private String name;
    private Duration timeout = Duration.ofSeconds(5);

    TcpHealthCheck(String host, int port) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP port must be 1-65535, was " + port);
        }
        this.port = port;
        this.name = "tcp:" + host + ":" + port;
    }

    public TcpHealthCheck named(String n) {
        this.name = Objects.requireNonNull(n, "name");
        return this;
    }

    public TcpHealthCheck timeout(Duration t) {
        this.timeout = Objects.requireNonNull(t, "timeout");
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return HealthResult.up(name, "Connected to " + host + ":" + port, Duration.ofNanos(System.nanoTime() - t0))
                    .withDetails(Map.of("host", host, "port", port));
        } catch (IOException | RuntimeException e) {
            return HealthResult.down(name, "Cannot connect to " + host + ":" + port + ": "
                    + HttpHealthCheck.describe(e), Duration.ofNanos(System.nanoTime() - t0))
                    .withDetails(Map.of("host", host, "port", port));
        }
    }

    @Override
    public String toString() {
        return "TcpHealthCheck[" + name + "]";
    }
}
