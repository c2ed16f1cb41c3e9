/** Drills: run a scenario against a test environment, measure RTO/RPO, write the report, notify. */
@NullMarked
package io.dr4j.core.plan.drill;

import org.jspecify.annotations.NullMarked;
