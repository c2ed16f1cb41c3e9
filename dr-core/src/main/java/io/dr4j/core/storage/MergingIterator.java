package io.dr4j.core.storage;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

import org.jspecify.annotations.Nullable;

/** Merges sorted iterators, dropping duplicate keys (the first mirror's entry wins). */
final class MergingIterator implements Iterator<ObjectInfo> {
    private record Head(ObjectInfo info, int source) {
    }

    private final List<Iterator<ObjectInfo>> sources;
    private final PriorityQueue<Head> heads = new PriorityQueue<>(
            Comparator.comparing((Head h) -> h.info().key()).thenComparingInt(Head::source));
    private @Nullable String lastKey;

    MergingIterator(List<Iterator<ObjectInfo>> sources) {
        this.sources = sources;
        for (int i = 0; i < sources.size(); i++) {
            advance(i);
        }
    }

    private void advance(int i) {
        if (sources.get(i).hasNext()) {
            heads.add(new Head(sources.get(i).next(), i));
        }
    }

    @Override
    public boolean hasNext() {
        while (!heads.isEmpty() && heads.peek().info().key().equals(lastKey)) {
            advance(heads.poll().source());
        }
        return !heads.isEmpty();
    }

    @Override
    public ObjectInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Head h = heads.poll();
        advance(h.source());
        lastKey = h.info().key();
        return h.info();
    }
}
