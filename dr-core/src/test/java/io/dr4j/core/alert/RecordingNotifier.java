package io.dr4j.core.alert;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel that records what it receives and can be told to fail (a test double of a real channel). */
final class RecordingNotifier implements Notifier {
    final String name;
    final List<Alert> received = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    volatile long delayMillis;

    RecordingNotifier(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void notify(Alert alert) {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failing) {
            throw new NotificationException(name + " is down", null);
        }
        received.add(alert);
    }

    List<String> titles() {
        return received.stream().map(a -> (a.resolved() ? "RESOLVED " : "") + a.title()).toList();
    }
}
