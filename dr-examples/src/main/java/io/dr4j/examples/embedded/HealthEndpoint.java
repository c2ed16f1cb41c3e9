package io.dr4j.examples.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;

/** {@code GET /health} and {@code GET /metrics} on the JDK's HTTP server, bound to 127.0.0.1 only. */
final class HealthEndpoint {
    private final EmbeddedBackupService service;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dr4j-http");
        t.setDaemon(true);
        return t;
    });

    HealthEndpoint(EmbeddedBackupService service, int port) throws IOException {
        this.service = service;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.setExecutor(executor);
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(1);
        executor.shutdownNow();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void health(HttpExchange ex) throws IOException {
        List<HealthResult> results = service.health();
        HealthStatus worst = HealthStatus.UP;
        StringBuilder checks = new StringBuilder();
        for (HealthResult r : results) {
            worst = worst.worst(r.status());
            if (checks.length() > 0) {
                checks.append(',');
            }
            checks.append("{\"name\":").append(str(r.name())).append(",\"status\":").append(str(r.status().name()))
                    .append(",\"message\":").append(str(r.message())).append(",\"latencyMs\":")
                    .append(r.latency() == null ? 0 : r.latency().toMillis()).append('}');
        }
        String body = "{\"status\":" + str(worst.name()) + ",\"leader\":" + service.isLeader() + ",\"checks\":["
                + checks + "]}";
        send(ex, worst == HealthStatus.DOWN ? 503 : 200, body);
    }

    private void metrics(HttpExchange ex) throws IOException {
        StringBuilder sb = new StringBuilder("{\"meters\":[");
        boolean first = true;
        for (Meter m : service.registry().getMeters()) {
            sb.append(first ? "" : ",").append("{\"name\":").append(str(m.getId().getName())).append(",\"tags\":{");
            first = false;
            boolean ft = true;
            for (Tag t : m.getId().getTags()) {
                sb.append(ft ? "" : ",").append(str(t.getKey())).append(':').append(str(t.getValue()));
                ft = false;
            }
            sb.append("},\"measurements\":{");
            boolean fm = true;
            for (Measurement v : m.measure()) {
                double d = v.getValue();
                sb.append(fm ? "" : ",").append(str(v.getStatistic().getTagValueRepresentation())).append(':')
                        .append(Double.isFinite(d) ? Double.toString(d) : "null");
                fm = false;
            }
            sb.append("}}");
        }
        send(ex, 200, sb.append("]}").toString());
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (!ex.getRequestMethod().equals("GET")) {
            ex.sendResponseHeaders(405, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** A JSON string literal. */
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

}
