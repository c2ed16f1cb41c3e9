/** dr4j entry point, root exception and cross-cutting types (progress). */
@NullMarked
package io.dr4j.core;

import org.jspecify.annotations.NullMarked;
