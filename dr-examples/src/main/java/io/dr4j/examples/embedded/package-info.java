/**
 * Embedding dr4j in a plain Java service (no framework): scheduled backups, the streaming WAL archiver, a PostgreSQL
 * advisory leader lock, {@code /health} and {@code /metrics} on the JDK's HTTP server, clean shutdown on SIGTERM.
 */
@NullMarked
package io.dr4j.examples.embedded;

import org.jspecify.annotations.NullMarked;
