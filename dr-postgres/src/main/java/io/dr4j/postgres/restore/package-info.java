/** Point-in-time recovery building blocks: the WAL plan, the spool that serves restore_command. */
@NullMarked
package io.dr4j.postgres.restore;

import org.jspecify.annotations.NullMarked;
