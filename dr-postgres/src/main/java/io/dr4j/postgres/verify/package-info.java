/** Test restores into scratch clusters: the measured, verified restore the DR plan asks for every week. */
@NullMarked
package io.dr4j.postgres.verify;

import org.jspecify.annotations.NullMarked;
