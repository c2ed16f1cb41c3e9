package io.dr4j.tck;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.storage.Capability;

/**
 * What a store under test can do, for {@link BackupTargetContractTest#capabilities()}: everything, minus what it
 * declares lacking, each with the reason (shown when the kit skips a test).
 */
public final class KitCapabilities {
    private final Map<Capability, String> lacking;

    private KitCapabilities(Map<Capability, String> lacking) {
        this.lacking = lacking;
    }

    /** A store that can do everything the kit tests. */
    public static KitCapabilities all() {
        return new KitCapabilities(Map.of());
    }

    /** A copy that lacks {@code capability}, because of {@code reason}. */
    public KitCapabilities without(Capability capability, String reason) {
        Objects.requireNonNull(capability, "capability");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("say why the store lacks " + capability);
        }
        Map<Capability, String> m = new EnumMap<>(Capability.class);
        m.putAll(lacking);
        m.put(capability, reason);
        return new KitCapabilities(Map.copyOf(m));
    }

    public boolean has(Capability capability) {
        return !lacking.containsKey(capability);
    }

    /** Why the store lacks {@code capability}; empty when it has it. */
    public Optional<String> whyLacking(Capability capability) {
        return Optional.ofNullable(lacking.get(capability));
    }

    /** Everything declared lacking, with reasons. */
    public Map<Capability, String> lacking() {
        return lacking;
    }

    @Override
    public String toString() {
        return lacking.isEmpty() ? "KitCapabilities[all]" : "KitCapabilities[lacking " + lacking + "]";
    }
}
