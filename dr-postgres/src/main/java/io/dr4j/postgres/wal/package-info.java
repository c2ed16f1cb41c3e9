/**
 * WAL archiving: the streaming {@link io.dr4j.postgres.wal.WalArchiver} (pgjdbc physical replication on a slot),
 * the {@code archive_command}/{@code restore_command} entry points {@link io.dr4j.postgres.wal.WalPush} and
 * {@link io.dr4j.postgres.wal.WalFetch}, and the recovery-side {@link io.dr4j.postgres.wal.WalPrefetcher}.
 */
@NullMarked
package io.dr4j.postgres.wal;

import org.jspecify.annotations.NullMarked;
