/** ServiceLoader plumbing. Internal: not part of the API, may change at any time. */
@NullMarked
package io.dr4j.core.internal.spi;

import org.jspecify.annotations.NullMarked;
