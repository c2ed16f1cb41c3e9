/** PostgreSQL: the cluster handle, physical backups (direct and stream mode), point-in-time recovery. */
@NullMarked
package io.dr4j.postgres;

import org.jspecify.annotations.NullMarked;
