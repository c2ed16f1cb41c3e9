package io.dr4j.core.plan;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Recovery time and recovery point objectives per {@link Component}. {@link #defaults()} is the DR plan's table:
 * RTO database 15 min, application 5 min, infrastructure 1 h, full system 2 h; RPO database 1 h, application
 * state 5 min, configuration 0. Immutable; {@code with*} return a copy.
 */
public final class Objectives {
    private final Map<Component, Duration> rto;
    private final Map<Component, Duration> rpo;

    private Objectives(Map<Component, Duration> rto, Map<Component, Duration> rpo) {
        this.rto = Collections.unmodifiableMap(new EnumMap<>(rto));
        this.rpo = Collections.unmodifiableMap(new EnumMap<>(rpo));
    }

    public static Objectives defaults() {
        Map<Component, Duration> rto = new EnumMap<>(Component.class);
        rto.put(Component.DATABASE, Duration.ofMinutes(15));
        rto.put(Component.APPLICATION, Duration.ofMinutes(5));
        rto.put(Component.INFRASTRUCTURE, Duration.ofHours(1));
        rto.put(Component.FULL_SYSTEM, Duration.ofHours(2));
        Map<Component, Duration> rpo = new EnumMap<>(Component.class);
        rpo.put(Component.DATABASE, Duration.ofHours(1));
        rpo.put(Component.APPLICATION_STATE, Duration.ofMinutes(5));
        rpo.put(Component.CONFIGURATION, Duration.ZERO);
        return new Objectives(rto, rpo);
    }

    /** No objectives at all (every verdict NOT_MEASURED unless set). */
    public static Objectives none() {
        return new Objectives(Map.of(), Map.of());
    }

    public Objectives withRto(Component c, Duration d) {
        Map<Component, Duration> m = new EnumMap<>(Component.class);
        m.putAll(rto);
        m.put(Objects.requireNonNull(c, "component"), requireNonNegative(d));
        return new Objectives(m, rpo);
    }

    public Objectives withRpo(Component c, Duration d) {
        Map<Component, Duration> m = new EnumMap<>(Component.class);
        m.putAll(rpo);
        m.put(Objects.requireNonNull(c, "component"), requireNonNegative(d));
        return new Objectives(rto, m);
    }

    private static Duration requireNonNegative(Duration d) {
        if (Objects.requireNonNull(d, "duration").isNegative()) {
            throw new IllegalArgumentException("An objective must be >= 0, was " + d);
        }
        return d;
    }

    public Optional<Duration> rto(Component c) {
        return Optional.ofNullable(rto.get(c));
    }

    public Optional<Duration> rpo(Component c) {
        return Optional.ofNullable(rpo.get(c));
    }

    public Map<Component, Duration> rtos() {
        return rto;
    }

    public Map<Component, Duration> rpos() {
        return rpo;
    }

    @Override
    public String toString() {
        return "Objectives[rto=" + rto + ", rpo=" + rpo + "]";
    }
}
