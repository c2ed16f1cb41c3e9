package io.dr4j.core.plan.steps;

/**
 * Points an endpoint at another site: a DNS record, a load balancer pool, a floating IP. Used by the data center
 * outage plan to move traffic to the DR site, and to move it back when a later step fails.
 */
public interface TrafficSwitch {

    /** A short name, e.g. {@code "route53"}. */
    String name();

    /** Where {@code endpoint} points now (e.g. the IP or host name of the primary site). */
    String currentTarget(String endpoint) throws Exception;

    /** Points {@code endpoint} at {@code target} and returns when the change is in effect (or accepted). */
    void switchTo(String endpoint, String target) throws Exception;
}
