/** A custom BackupTarget plugin, registered through ServiceLoader and proven by the dr-tck kit. */
@NullMarked
package io.dr4j.examples.plugin;

import org.jspecify.annotations.NullMarked;
