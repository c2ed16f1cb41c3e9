package io.dr4j.core.storage;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param objects   the objects of this page, in key order
 * @param nextToken pass to {@link BackupTarget#list} for the next page; null on the last page
 */
public record ListPage(List<ObjectInfo> objects, @Nullable String nextToken) {
    public ListPage {
        objects = List.copyOf(objects);
    }
}
