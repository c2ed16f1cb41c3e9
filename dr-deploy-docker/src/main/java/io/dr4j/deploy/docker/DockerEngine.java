package io.dr4j.deploy.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dr4j.core.deploy.DeploymentException;

import org.jspecify.annotations.Nullable;

/** A docker-java client for one engine, and the translation of its failures into {@link DeploymentException}s. */
final class DockerEngine implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DockerClient client;
    private final String host;

    private DockerEngine(DockerClient client, String host) {
        this.client = client;
        this.host = host;
    }

    /** A client for {@code host}, or for {@code DOCKER_HOST} / the platform default when null. */
    static DockerEngine connect(@Nullable String host) {
        DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (host != null && !host.isBlank()) {
            b.withDockerHost(host);
        }
        DefaultDockerClientConfig cfg = b.build();
        URI uri = cfg.getDockerHost();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(uri)
                .sslConfig(cfg.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        return new DockerEngine(DockerClientImpl.getInstance(cfg, http), uri.toString());
    }

    static DockerEngine of(DockerClient client, String host) {
        return new DockerEngine(client, host);
    }

    DockerClient client() {
        return client;
    }

    /** The engine's address as configured, e.g. {@code unix:///var/run/docker.sock}. */
    String host() {
        return host;
    }

    /**
     * Runs {@code call}; an engine that cannot be reached becomes a {@link DeploymentException} naming the socket;
     * errors the engine answered with become one saying what was attempted.
     */
    <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (DockerException e) {
            throw new DeploymentException("Docker engine at " + host + " refused to " + what + ": "
                    + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            if (isUnreachable(e)) {
                throw unreachable(e);
            }
            throw e;
        }
    }

    void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    DeploymentException unreachable(Throwable e) {
        return new DeploymentException("Docker engine at " + host + " is not reachable (" + rootMessage(e)
                + "); start dockerd or point DOCKER_HOST / dr.deploy.docker.host at its socket", e);
    }

    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.strip();
        // docker-java prefixes "Status 404: {"message":"..."}"
        int i = t.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = t.indexOf('"', i + 11);
            if (end > i) {
                t = t.substring(i + 11, end);
            }
        }
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /**
     * The {@code Config.StopSignal} and {@code Config.StopTimeout} of a container or image ({@code kind} is
     * {@code containers} or {@code images}), which docker-java's model leaves out; read from the raw inspect JSON.
     * Empty values when the client is not docker-java's own implementation.
     */
    StopSettings stopSettings(String kind, String id) {
        if (!(client instanceof DockerClientImpl impl)) {
            return new StopSettings(null, null);
        }
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/" + kind + "/" + id + "/json").build();
        return call("inspect " + kind + " " + id, () -> {
            try (DockerHttpClient.Response resp = impl.getHttpClient().execute(req)) {
                if (resp.getStatusCode() != 200) {
                    return new StopSettings(null, null);
                }
                JsonNode config = JSON.readTree(resp.getBody()).path("Config");
                JsonNode signal = config.path("StopSignal");
                JsonNode timeout = config.path("StopTimeout");
                return new StopSettings(signal.isTextual() && !signal.asText().isEmpty() ? signal.asText() : null,
                        timeout.isNumber() ? timeout.intValue() : null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A container's or image's stop signal and stop timeout (seconds), null where not set. */
    record StopSettings(@Nullable String signal, @Nullable Integer timeoutSeconds) {
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing a pooled HTTP client; nothing to recover
        }
    }
}
