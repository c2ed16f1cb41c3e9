package io.dr4j.storage.gcs;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ForwardingBackupTarget;

/** A target that stops claiming the capabilities its test backend (a fake) cannot deliver; all else delegates. */
final class WithoutCapabilities extends ForwardingBackupTarget {
    private final Set<Capability> removed;

    WithoutCapabilities(BackupTarget delegate, Set<Capability> removed) {
        super(delegate);
        this.removed = Set.copyOf(removed);
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> c = EnumSet.noneOf(Capability.class);
        c.addAll(super.capabilities());
        c.removeAll(removed);
        return c;
    }

    /** The store's own delimiter listing: the fake's small pages are out of order, so a listing built on them fails. */
    @Override
    public List<String> listChildren(String prefix) {
        return delegate().listChildren(prefix);
    }
}
