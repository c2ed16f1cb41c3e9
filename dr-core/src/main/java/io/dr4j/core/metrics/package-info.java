/**
 * Optional Micrometer binding ({@code io.micrometer:micrometer-core} on the class path): backup duration, size, age,
 * last success time, WAL lag, verification results and restore durations.
 */
@NullMarked
package io.dr4j.core.metrics;

import org.jspecify.annotations.NullMarked;
