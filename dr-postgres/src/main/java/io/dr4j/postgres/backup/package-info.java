/** Building blocks of physical backups: exclusions, page checksums, the parallel file uploader. */
@NullMarked
package io.dr4j.postgres.backup;

import org.jspecify.annotations.NullMarked;
