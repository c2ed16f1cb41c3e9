/** The provider registry facade: which plugins are installed, and the errors when none or several match. */
@NullMarked
package io.dr4j.core.spi;

import org.jspecify.annotations.NullMarked;
