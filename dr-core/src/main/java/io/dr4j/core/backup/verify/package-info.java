/** Verification of what a repository holds: re-reading data, WAL chain continuity, results kept in the repository. */
@NullMarked
package io.dr4j.core.backup.verify;

import org.jspecify.annotations.NullMarked;
