/**
 * Backup monitoring: backup age, failed backups with their reason, size anomalies, storage capacity and quota, WAL
 * archive lag (the RPO exposed now) and PostgreSQL archiver failures, each a
 * {@link io.dr4j.core.health.HealthCheck}, and a {@link io.dr4j.core.monitor.BackupMonitor} that turns their
 * results into alerts and resolve messages.
 */
@NullMarked
package io.dr4j.core.monitor;

import org.jspecify.annotations.NullMarked;
