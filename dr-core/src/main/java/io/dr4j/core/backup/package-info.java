/** Repositories, backups, manifests, the catalog and the WAL archive (repository format v1). */
@NullMarked
package io.dr4j.core.backup;

import org.jspecify.annotations.NullMarked;
