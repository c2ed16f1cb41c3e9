/** The contract test kit: abstract tests every dr4j plugin runs against its implementation. */
@NullMarked
package io.dr4j.tck;

import org.jspecify.annotations.NullMarked;
