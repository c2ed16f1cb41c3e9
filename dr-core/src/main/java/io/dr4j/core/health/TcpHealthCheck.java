package io.dr4j.core.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** UP when a TCP connection to {@code host:port} opens within the timeout. */
public final class TcpHealthCheck extends AbstractHealthCheck<TcpHealthCheck> {
    private final String host;
    private final int port;

    TcpHealthCheck(String host, int port) {
        super("tcp:" + Objects.requireNonNull(host, "host") + ":" + port, Duration.ofSeconds(5));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP port must be 1-65535, was " + port);
        }
        this.host = host;
        this.port = port;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout().toMillis()));
            return HealthResult.up(name(), "Connected to " + host + ":" + port, elapsedSince(t0))
                    .withDetails(Map.of("host", host, "port", port));
        } catch (IOException | RuntimeException e) {
            return HealthResult.down(name(), "Cannot connect to " + host + ":" + port + ": "
                    + HttpHealthCheck.describe(e), elapsedSince(t0))
                    .withDetails(Map.of("host", host, "port", port));
        }
    }
}
