/** Codec pipeline: compression (zstd, gzip, lz4, none), streaming encryption, SHA-256 in the same pass. */
@NullMarked
package io.dr4j.core.codec;

import org.jspecify.annotations.NullMarked;
