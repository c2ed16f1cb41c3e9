package io.dr4j.core.monitor;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Opens a JDBC connection for a check (plain {@code java.sql}; dr-core has no driver of its own). */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;

    static ConnectionSource of(DataSource dataSource) {
        return dataSource::getConnection;
    }
}
