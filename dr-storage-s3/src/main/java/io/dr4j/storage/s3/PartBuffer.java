package io.dr4j.storage.s3;

import java.util.concurrent.atomic.AtomicLong;

/** A growable byte buffer of at most one part. */
final class PartBuffer {
    private static final int INITIAL = 64 * 1024;

    private final AtomicLong allocated;
    byte[] data;
    int size;

    PartBuffer(AtomicLong allocated, int capacity) {
        this.allocated = allocated;
        this.data = new byte[capacity];
        allocated.addAndGet(capacity);
    }

    int append(byte[] b, int off, int len, int limit) {
        int n = Math.min(len, limit - size);
        if (size + n > data.length) {
            int cap = Math.max(INITIAL, data.length);
            while (cap < size + n) {
                cap = (int) Math.min((long) cap * 2, limit);
            }
            byte[] grown = java.util.Arrays.copyOf(data, cap);
            allocated.addAndGet(cap - data.length);
            data = grown;
        }
        System.arraycopy(b, off, data, size, n);
        size += n;
        return n;
    }

    void release() {
        data = new byte[0];
        size = 0;
    }
}
