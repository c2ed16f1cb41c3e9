/** Where backups are kept: the BackupTarget SPI, the file-system and mirrored targets, URI resolution. */
@NullMarked
package io.dr4j.core.storage;

import org.jspecify.annotations.NullMarked;
