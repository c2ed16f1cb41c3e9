/** Bookkeeping behind {@code io.dr4j.core.events}: not API. */
@NullMarked
package io.dr4j.core.internal.events;

import org.jspecify.annotations.NullMarked;
