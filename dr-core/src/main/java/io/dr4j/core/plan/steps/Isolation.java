package io.dr4j.core.plan.steps;

import java.util.List;

/**
 * Cuts compromised systems off (firewall rules, security groups, network detach, revoked credentials) so an
 * attacker can no longer reach them or the backups. Used first in the ransomware plan.
 */
public interface Isolation {

    /** A short name, e.g. {@code "aws-security-groups"}. */
    String name();

    /**
     * Isolates {@code systems}; returns one line per measure taken, for the report.
     *
     * @throws Exception when a system could not be isolated (the plan stops: a person must do it)
     */
    List<String> isolate(List<String> systems) throws Exception;
}
