package io.dr4j.examples.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Properties;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;

/**
 * The demo's "application": an HTTP service on 127.0.0.1 whose {@code /health} answers 200 with the number of orders
 * when its database works, 503 otherwise. The recovery plan stops it during the restore and starts it again on the
 * restored database.
 */
final class DemoApplication implements AutoCloseable {
    private final int port;
    private final Supplier<String> jdbcUrl;
    private HttpServer server;

    DemoApplication(int port, Supplier<String> jdbcUrl) {
        this.port = port;
        this.jdbcUrl = jdbcUrl;
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        s.createContext("/health", exchange -> {
            int status;
            String body;
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("connectTimeout", "5");
            try (Connection c = DriverManager.getConnection(jdbcUrl.get(), p);
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                status = 200;
                body = "{\"status\":\"UP\",\"orders\":" + rs.getLong(1) + "}";
            } catch (Exception e) {
                status = 503;
                body = "{\"status\":\"DOWN\",\"error\":\"" + String.valueOf(e.getMessage()).replace('"', '\'') + "\"}";
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        s.start();
        server = s;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
    }
}
