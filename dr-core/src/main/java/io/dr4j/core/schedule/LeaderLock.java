package io.dr4j.core.schedule;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure only one replica of a service runs a job at a time. {@link #tryAcquire(String)} never waits: it returns
 * a lease when this process now holds the named lock, empty when another holder has it. Implementations: a
 * PostgreSQL advisory lock ({@code io.dr4j.postgres.lock.PostgresAdvisoryLeaderLock} in dr-postgres), a Kubernetes
 * Lease ({@code io.dr4j.deploy.k8s.lock.KubernetesLeaseLeaderLock} in dr-deploy-k8s), and {@link #local()} for one
 * JVM.
 */
public interface LeaderLock extends AutoCloseable {

    /** A short description without secrets, e.g. {@code postgres-advisory:db.example:5432}. */
    String name();

    /**
     * Tries to take the lock {@code lockName} without waiting.
     *
     * @return the lease, to be closed when the work is done; empty when another holder has the lock
     * @throws LeaderLockException when the lock service cannot be reached (callers treat it as "not acquired")
     */
    Optional<Lease> tryAcquire(String lockName);

    /** Releases every lease this instance holds and its connection. */
    @Override
    default void close() {
    }

    /** A held lock. */
    interface Lease extends AutoCloseable {
        String lockName();

        /**
         * Whether the lock is still held: false once released, or when the lock service says it was lost (a dropped
         * database session, a lease that could not be renewed). Long jobs check it between steps.
         */
        boolean isValid();

        /** Releases the lock. Idempotent. */
        @Override
        void close();
    }

    /** Locks within this JVM only: for a single replica, or tests. */
    static LeaderLock local() {
        Set<String> held = ConcurrentHashMap.newKeySet();
        return new LeaderLock() {
            @Override
            public String name() {
                return "local";
            }

            @Override
            public Optional<Lease> tryAcquire(String lockName) {
                if (!held.add(lockName)) {
                    return Optional.empty();
                }
                return Optional.of(new Lease() {
                    private volatile boolean valid = true;

                    @Override
                    public String lockName() {
                        return lockName;
                    }

                    @Override
                    public boolean isValid() {
                        return valid;
                    }

                    @Override
                    public synchronized void close() {
                        if (valid) {
                            valid = false;
                            held.remove(lockName);
                        }
                    }
                });
            }
        };
    }
}
