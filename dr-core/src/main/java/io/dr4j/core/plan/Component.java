package io.dr4j.core.plan;

/** The parts of a system that have recovery objectives (the rows of the DR plan's RTO/RPO tables). */
public enum Component {
    DATABASE("Database"),
    APPLICATION("Application"),
    APPLICATION_STATE("Application state"),
    INFRASTRUCTURE("Infrastructure"),
    FULL_SYSTEM("Full system"),
    CONFIGURATION("Configuration");

    private final String label;

    Component(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
