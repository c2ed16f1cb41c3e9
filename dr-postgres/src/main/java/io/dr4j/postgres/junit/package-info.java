/**
 * JUnit 5 support: {@link io.dr4j.postgres.junit.PostgresRestoreExtension} restores the latest (or a named) backup
 * of a dr4j repository into a scratch PostgreSQL for a test and hands it a JDBC URL. Needs
 * {@code junit-jupiter-api} (and, for the container scratch, {@code org.testcontainers:testcontainers-postgresql})
 * on the test class path; dr-postgres declares both optional, so library users do not inherit them.
 */
@NullMarked
package io.dr4j.postgres.junit;

import org.jspecify.annotations.NullMarked;
