package io.dr4j.core.plan.drill;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dr4j.core.plan.PlanResult;

/**
 * Where a drill runs: a scratch PostgreSQL cluster, a local Docker engine, a throw-away directory. It injects the
 * disaster ({@link #simulate()}), then checks the recovery really worked ({@link #verify}) — e.g. that the rows
 * written before the corruption are back and the ones after it are not.
 */
public interface DrillEnvironment extends AutoCloseable {

    /** One line, e.g. "scratch PostgreSQL 15 on 127.0.0.1:54321". */
    String description();

    /** Facts for the report (versions, ports, sizes); never secrets. */
    default Map<String, String> facts() {
        return Map.of();
    }

    /**
     * Injects the disaster (drops a table, stops a container, deploys a bad image).
     *
     * @return when the disaster happened: the incident time the RPO is measured against
     */
    Instant simulate() throws Exception;

    /**
     * After the plan ran: checks the system is really back. Returns the problems found, empty when the recovery is
     * verified (each problem becomes a lesson and an action item in the report).
     */
    List<String> verify(PlanResult result) throws Exception;

    /** Removes what the drill created. */
    @Override
    default void close() throws Exception {
    }
}
