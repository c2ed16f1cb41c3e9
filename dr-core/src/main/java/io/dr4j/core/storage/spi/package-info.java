/** What storage plugins implement and register with ServiceLoader. */
@NullMarked
package io.dr4j.core.storage.spi;

import org.jspecify.annotations.NullMarked;
