package io.dr4j.postgres.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restores a backup of a dr4j repository into a scratch PostgreSQL for a test, and hands the test a
 * {@link RestoredPostgres} (JDBC URL, user, password, port). On a test class, the restored database is injected into
 * parameters of type {@link RestoredPostgres}; on a field or parameter of that type, into it. Restored once per class
 * (default) or once per test method, and torn down after it.
 *
 * <pre>{@code
 * @RestoredDatabase(repository = "${DR_TEST_REPOSITORY}", database = "app")
 * class ReportQueriesTest {
 *     @Test
 *     void monthlyReportRunsOnYesterdaysData(RestoredPostgres db) throws SQLException {
 *         try (Connection c = db.connect()) { ... }
 *     }
 * }
 * }</pre>
 *
 * Values of the form {@code ${NAME}} are read from the system property {@code NAME}, else the environment variable.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(PostgresRestoreExtension.class)
public @interface RestoredDatabase {

    /** The repository: {@code file:///var/backups/db}, {@code s3://bucket/prefix}, a path, or {@code ${NAME}}. */
    String repository();

    /** {@code "latest"} (the newest backup of {@link #kind()}, before {@link #targetTime()} if given) or a backup id. */
    String backup() default "latest";

    /** Which backups {@code "latest"} chooses from. */
    Kind kind() default Kind.ANY;

    /** Point-in-time recovery target (ISO-8601 instant, e.g. {@code 2026-11-09T02:00:00Z}); physical backups only. */
    String targetTime() default "";

    /** Point-in-time recovery target (WAL location, e.g. {@code 0/3000060}); physical backups only. */
    String targetLsn() default "";

    /** Point-in-time recovery target: a restore point made with {@code pg_create_restore_point}; physical only. */
    String targetName() default "";

    /**
     * The database the test gets: for a logical backup, the name it is restored as (default: the dumped database's
     * name); for a physical one, the database to connect to (default {@code postgres}).
     */
    String database() default "";

    /** The role to connect as to a physically restored server (its own roles and pg_hba.conf apply). */
    String user() default "postgres";

    /** A system property or environment variable holding {@link #user()}'s password, if the server wants one. */
    String passwordVariable() default "";

    /**
     * A system property or environment variable holding the repository key (base64 of 32 bytes) of an encrypted
     * repository. Default: dr4j's configuration ({@code dr.repository.key-file}, {@code DR_REPOSITORY_KEY}).
     */
    String keyVariable() default "";

    /** Where the backup runs, tried in order. */
    Scratch[] scratch() default {Scratch.MACHINE, Scratch.ZONKY};

    /** The image for {@link Scratch#TESTCONTAINERS} (used as a compatible substitute for {@code postgres}). */
    String image() default "postgres:15";

    /**
     * Run the container on the host's network (Docker engines without a bridge network). Physical backups need it:
     * their restored data directory runs in a container of {@link #image()} on 127.0.0.1 and a free port.
     */
    boolean hostNetwork() default false;

    /** Restore once per test class (default) or before each test method. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** Which backups {@code backup = "latest"} considers. */
    enum Kind {
        /** The newest backup of any kind. */
        ANY,
        /** The newest full, differential or incremental backup (point-in-time recovery). */
        PHYSICAL,
        /** The newest logical dump. */
        LOGICAL
    }

    /** Scratch server providers; see {@link ScratchProvider}. */
    enum Scratch {
        /** {@link ScratchProvider#machineBinaries()}. */
        MACHINE,
        /** {@link ScratchProvider#zonky()}. */
        ZONKY,
        /**
         * {@link ScratchProvider#testcontainers(String)} with {@link RestoredDatabase#image()} (logical backups), or
         * {@link ScratchProvider#testcontainersHostNetwork(String)} with {@link RestoredDatabase#hostNetwork()}
         * (logical and physical backups).
         */
        TESTCONTAINERS
    }

    /** How long a restored database lives. */
    enum Lifecycle {
        /** Restored before the first test of the class that needs it, stopped after the class. */
        PER_CLASS,
        /** Restored before each test method, stopped after it. */
        PER_METHOD
    }
}
