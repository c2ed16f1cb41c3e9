package io.dr4j.postgres.junit;

import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.config.Secret;

import org.jspecify.annotations.Nullable;

/**
 * An empty, running PostgreSQL server a {@link ScratchProvider} started for a logical restore: where it listens,
 * its superuser, and how to stop it. Closing it stops the server and removes what the provider created.
 */
public final class ScratchServer implements AutoCloseable {
    private final String host;
    private final int port;
    private final int majorVersion;
    private final String user;
    private final @Nullable Secret password;
    private final String description;
    private final AutoCloseable stop;

    /**
     * @param host         host or address the test connects to
     * @param port         port
     * @param majorVersion the server's major version
     * @param user         a superuser
     * @param password     its password, or null (trust authentication)
     * @param description  what it is, for messages (no secrets)
     * @param stop         stops the server and removes its files or container
     */
    public ScratchServer(String host, int port, int majorVersion, String user, @Nullable Secret password,
                         String description, AutoCloseable stop) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.majorVersion = majorVersion;
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
        this.description = Objects.requireNonNull(description, "description");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int majorVersion() {
        return majorVersion;
    }

    public String user() {
        return user;
    }

    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    public String description() {
        return description;
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }

    @Override
    public String toString() {
        return "ScratchServer[" + description + " " + user + "@" + host + ":" + port + "]";
    }
}
