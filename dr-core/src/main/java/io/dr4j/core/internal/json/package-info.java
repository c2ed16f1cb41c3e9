/** JSON mapping. Internal. */
@NullMarked
package io.dr4j.core.internal.json;

import org.jspecify.annotations.NullMarked;
