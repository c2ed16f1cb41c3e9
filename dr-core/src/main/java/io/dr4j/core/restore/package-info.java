/** RestoreStrategy, recovery targets, restore requests and results. */
@NullMarked
package io.dr4j.core.restore;

import org.jspecify.annotations.NullMarked;
