/** Recovery plans as code: steps, runner, timeline, objectives, approvals, listeners. */
@NullMarked
package io.dr4j.core.plan;

import org.jspecify.annotations.NullMarked;
