/** Logical backups (pg_dump directory, custom and plain formats) and their restore (pg_restore, psql). */
@NullMarked
package io.dr4j.postgres.logical;

import org.jspecify.annotations.NullMarked;
