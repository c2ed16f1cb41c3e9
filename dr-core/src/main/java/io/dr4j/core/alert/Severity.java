package io.dr4j.core.alert;

/** How urgent an alert is; channels are routed by it (e.g. PagerDuty only for CRITICAL). */
public enum Severity {
    INFO, WARNING, ERROR, CRITICAL
}
