package io.dr4j.tck;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BlockInputStream;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.ForwardingBackupTarget;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;

/**
 * Wraps any {@link BackupTarget} and injects faults: errors, latency, truncated reads, flipped bytes and streams that
 * break halfway, per {@link Operation}, once, every Nth call or with a (seeded) probability, optionally only for keys
 * matching a predicate. Counts what it injected. Thread-safe.
 *
 * <pre>{@code
 * FaultyBackupTarget faulty = FaultyBackupTarget.wrap(target, 42)
 *         .inject(Operation.PUT, Fault.ERROR, Trigger.everyNth(3))
 *         .inject(Operation.GET, Fault.BREAK_STREAM, Trigger.probability(0.2));
 * }</pre>
 *
 * <p>An injected error is an {@link InjectedFault} (a {@link StorageException}, i.e. transient: a retry may succeed).
 * A {@code PUT} error is raised by {@code commit()} after the data was written (the costliest moment), and nothing is
 * stored. {@link Fault#TRUNCATE} and {@link Fault#FLIP_BYTE} corrupt a read silently (only a checksum notices);
 * {@link Fault#BREAK_STREAM} raises an {@link IOException} halfway through a read.
 */
public final class FaultyBackupTarget extends ForwardingBackupTarget {

    /** The operations faults are injected into. */
    public enum Operation { PUT, GET, STAT, LIST, DELETE }

    /** What goes wrong. */
    public enum Fault {
        /** The operation fails with an {@link InjectedFault}. */
        ERROR,
        /** The operation is delayed by the rule's latency. */
        LATENCY,
        /** {@code PUT} only: the object is stored, then the commit reports a failure (a lost acknowledgement). */
        LOST_ACK,
        /** {@code GET} only: the stream ends early, silently (half of the bytes, at most 64 KiB). */
        TRUNCATE,
        /** {@code GET} only: one byte of the stream is inverted, silently. */
        FLIP_BYTE,
        /** {@code GET} only: the stream throws an {@link IOException} after some bytes. */
        BREAK_STREAM
    }

    /** When a rule fires. Each rule has its own call counter. */
    public sealed interface Trigger {
        /** Fires on the first matching call only. */
        static Trigger once() {
            return new Nth(1, true);
        }

        /** Fires on every {@code n}th matching call (the nth, 2nth, ...). */
        static Trigger everyNth(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1, was " + n);
            }
            return new Nth(n, false);
        }

        /** Fires on every matching call (a persistent fault). */
        static Trigger always() {
            return new Nth(1, false);
        }

        /** Fires with probability {@code p}, drawn from the target's seeded random source. */
        static Trigger probability(double p) {
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
            }
            return new Probability(p);
        }

        /** Every nth call, or only the first when {@code once}. */
        record Nth(int n, boolean once) implements Trigger {
        }

        /** A random fraction of calls. */
        record Probability(double p) implements Trigger {
        }
    }

    /** The injected error: a transient storage failure. */
    public static final class InjectedFault extends StorageException {
        private static final long serialVersionUID = 1L;

        public InjectedFault(String message) {
            super(message);
        }
    }

    private record Rule(Operation op, Fault fault, Trigger trigger, Predicate<String> keys, Duration latency,
                        AtomicLong calls) {
    }

    private final Random random;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<Operation, Map<Fault, AtomicLong>> injected = new EnumMap<>(Operation.class);
    private final Map<Operation, AtomicLong> calls = new EnumMap<>(Operation.class);

    private FaultyBackupTarget(BackupTarget delegate, long seed) {
        super(delegate);
        this.random = new Random(seed);
        for (Operation op : Operation.values()) {
            Map<Fault, AtomicLong> m = new EnumMap<>(Fault.class);
            for (Fault f : Fault.values()) {
                m.put(f, new AtomicLong());
            }
            injected.put(op, m);
            calls.put(op, new AtomicLong());
        }
    }

    /** Wraps {@code target}; {@code seed} makes probabilistic faults and corrupted offsets reproducible. */
    public static FaultyBackupTarget wrap(BackupTarget target, long seed) {
        return new FaultyBackupTarget(target, seed);
    }

    /** Adds a rule for every key. */
    public FaultyBackupTarget inject(Operation op, Fault fault, Trigger trigger) {
        return inject(op, fault, trigger, k -> true);
    }

    /** Adds a rule for the keys matching {@code keys}. */
    public FaultyBackupTarget inject(Operation op, Fault fault, Trigger trigger, Predicate<String> keys) {
        return add(op, fault, trigger, keys, Duration.ZERO);
    }

    /** Delays matching calls of {@code op} by {@code latency}. */
    public FaultyBackupTarget latency(Operation op, Duration latency, Trigger trigger) {
        return add(op, Fault.LATENCY, trigger, k -> true, latency);
    }

    private FaultyBackupTarget add(Operation op, Fault fault, Trigger trigger, Predicate<String> keys, Duration latency) {
        if (op != Operation.PUT && fault == Fault.LOST_ACK) {
            throw new IllegalArgumentException("LOST_ACK applies to PUT only, not " + op);
        }
        if (op != Operation.GET && (fault == Fault.TRUNCATE || fault == Fault.FLIP_BYTE || fault == Fault.BREAK_STREAM)) {
            throw new IllegalArgumentException(fault + " applies to GET only, not " + op);
        }
        rules.add(new Rule(op, fault, Objects.requireNonNull(trigger), Objects.requireNonNull(keys), latency,
                new AtomicLong()));
        return this;
    }

    /** Removes every rule: the target behaves like its delegate from now on (counters are kept). */
    public FaultyBackupTarget heal() {
        rules.clear();
        return this;
    }

    /** How many {@code fault}s were injected into {@code op}. */
    public long injected(Operation op, Fault fault) {
        return injected.get(op).get(fault).get();
    }

    /** Every fault injected so far, of any kind except latency. */
    public long injectedTotal() {
        long n = 0;
        for (Map<Fault, AtomicLong> m : injected.values()) {
            for (Map.Entry<Fault, AtomicLong> e : m.entrySet()) {
                if (e.getKey() != Fault.LATENCY) {
                    n += e.getValue().get();
                }
            }
        }
        return n;
    }

    /** Calls of {@code op} seen (faulty or not). */
    public long calls(Operation op) {
        return calls.get(op).get();
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        calls.get(Operation.PUT).incrementAndGet();
        // decided now, raised at commit: the data has been sent when the store fails
        boolean fail = firing(Operation.PUT, key, Fault.ERROR);
        boolean lostAck = !fail && firing(Operation.PUT, key, Fault.LOST_ACK);
        delay(Operation.PUT, key);
        ObjectWriter w = delegate().newWriter(key, options);
        return new ObjectWriter() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                w.write(b, off, len);
            }

            @Override
            public ObjectInfo commit() throws IOException {
                if (fail) {
                    w.abort();
                    throw new InjectedFault("Injected fault: commit of " + key + " to " + location() + " failed");
                }
                ObjectInfo stored = w.commit();
                if (lostAck) {
                    throw new InjectedFault("Injected fault: commit of " + key + " to " + location()
                            + " timed out (the object was stored)");
                }
                return stored;
            }

            @Override
            public void abort() {
                w.abort();
            }
        };
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        calls.get(Operation.GET).incrementAndGet();
        delay(Operation.GET, key);
        if (firing(Operation.GET, key, Fault.ERROR)) {
            throw new InjectedFault("Injected fault: get " + key + " from " + location() + " failed");
        }
        boolean truncate = firing(Operation.GET, key, Fault.TRUNCATE);
        boolean flip = firing(Operation.GET, key, Fault.FLIP_BYTE);
        boolean breakIt = firing(Operation.GET, key, Fault.BREAK_STREAM);
        InputStream in = delegate().get(key, range);
        if (!truncate && !flip && !breakIt) {
            return in;
        }
        long size = delegate().stat(key).map(ObjectInfo::size).orElse(0L);
        long length = Math.max(0, range.length() == -1 ? size - range.offset() : Math.min(range.length(),
                size - range.offset()));
        long at;
        synchronized (random) {
            at = length <= 1 ? 0 : random.nextLong(length);
        }
        long truncateAt = truncate ? Math.min(length / 2, 64 * 1024) : -1;
        return new Corrupting(in, key, truncateAt, flip ? at : -1, breakIt ? Math.min(at, 32 * 1024) : -1);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        calls.get(Operation.STAT).incrementAndGet();
        delay(Operation.STAT, key);
        if (firing(Operation.STAT, key, Fault.ERROR)) {
            throw new InjectedFault("Injected fault: stat " + key + " on " + location() + " failed");
        }
        return delegate().stat(key);
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        calls.get(Operation.LIST).incrementAndGet();
        delay(Operation.LIST, prefix);
        if (firing(Operation.LIST, prefix, Fault.ERROR)) {
            throw new InjectedFault("Injected fault: list " + prefix + " on " + location() + " failed");
        }
        return delegate().list(prefix, continuationToken, pageSize);
    }

    @Override
    public void delete(String key) {
        calls.get(Operation.DELETE).incrementAndGet();
        delay(Operation.DELETE, key);
        if (firing(Operation.DELETE, key, Fault.ERROR)) {
            throw new InjectedFault("Injected fault: delete " + key + " on " + location() + " failed");
        }
        delegate().delete(key);
    }

    @Override
    public String toString() {
        return "FaultyBackupTarget[" + delegate().location() + ", " + rules.size() + " rules, " + injectedTotal()
                + " faults injected]";
    }

    private boolean firing(Operation op, String key, Fault fault) {
        boolean fired = false;
        for (Rule r : rules) {
            if (r.op() == op && r.fault() == fault && r.keys().test(key) && fires(r)) {
                fired = true;
            }
        }
        if (fired) {
            injected.get(op).get(fault).incrementAndGet();
        }
        return fired;
    }

    private boolean fires(Rule r) {
        long n = r.calls().incrementAndGet();
        if (r.trigger() instanceof Trigger.Nth nth) {
            return nth.once() ? n == 1 : n % nth.n() == 0;
        }
        double p = ((Trigger.Probability) r.trigger()).p();
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    private void delay(Operation op, String key) {
        long max = 0;
        for (Rule r : rules) {
            if (r.op() == op && r.fault() == Fault.LATENCY && r.keys().test(key) && fires(r)) {
                max = Math.max(max, r.latency().toMillis());
            }
        }
        if (max > 0) {
            injected.get(op).get(Fault.LATENCY).incrementAndGet();
            try {
                Thread.sleep(max);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InjectedFault("Interrupted during injected latency of " + op + " " + key);
            }
        }
    }

    /** Truncates, flips a byte or breaks the stream at given offsets of what it returns. */
    private static final class Corrupting extends BlockInputStream {
        private final String key;
        private final long truncateAt;
        private final long flipAt;
        private final long breakAt;
        private long pos;

        Corrupting(InputStream in, String key, long truncateAt, long flipAt, long breakAt) {
            super(in);
            this.key = key;
            this.truncateAt = truncateAt;
            this.flipAt = flipAt;
            this.breakAt = breakAt;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (breakAt >= 0 && pos >= breakAt) {
                throw new IOException("Injected fault: connection reset while reading " + key + " at byte " + pos);
            }
            if (truncateAt >= 0 && pos >= truncateAt) {
                return -1;
            }
            long limit = len;
            if (truncateAt >= 0) {
                limit = Math.min(limit, truncateAt - pos);
            }
            if (breakAt >= 0) {
                limit = Math.min(limit, breakAt - pos);
            }
            int n = in.read(b, off, (int) Math.max(1, limit));
            if (n > 0) {
                if (flipAt >= pos && flipAt < pos + n) {
                    int i = off + (int) (flipAt - pos);
                    b[i] = (byte) ~b[i];
                }
                pos += n;
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
