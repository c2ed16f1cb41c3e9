/**
 * Safety checks for restores: confining what a (possibly hostile) manifest may write to the destination.
 */
@NullMarked
package io.dr4j.postgres.reliability;

import org.jspecify.annotations.NullMarked;
