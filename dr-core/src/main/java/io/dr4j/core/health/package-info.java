/** HealthCheck: UP / DEGRADED / DOWN with details and latency; built-in checks and composites. */
@NullMarked
package io.dr4j.core.health;

import org.jspecify.annotations.NullMarked;
