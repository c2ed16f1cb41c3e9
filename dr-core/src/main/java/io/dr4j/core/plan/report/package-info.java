/** Reports of plan runs: JSON (stable schema) and Markdown with the post-mortem skeleton. */
@NullMarked
package io.dr4j.core.plan.report;

import org.jspecify.annotations.NullMarked;
