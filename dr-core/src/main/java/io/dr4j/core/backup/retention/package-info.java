/** Retention policies and expiry: which backups and WAL to keep, deleted safely and consistently. */
@NullMarked
package io.dr4j.core.backup.retention;

import org.jspecify.annotations.NullMarked;
