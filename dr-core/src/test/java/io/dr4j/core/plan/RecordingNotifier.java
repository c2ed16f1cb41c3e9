package io.dr4j.core.plan;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;

/** Keeps every alert (a real Notifier implementation: an in-memory channel). */
final class RecordingNotifier implements Notifier {
    final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void notify(Alert alert) {
        alerts.add(alert);
    }
}
