/** Namespaced configuration views (properties, DR_* environment variables, flags) and secrets. */
@NullMarked
package io.dr4j.core.config;

import org.jspecify.annotations.NullMarked;
