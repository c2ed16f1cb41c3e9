package io.dr4j.core.plan.report;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What people add to a report after the run (the DR plan's post-mortem): root cause, business impact, lessons
 * learned and action items. Timeline and actions taken are filled from the run; items derived from the run (missed
 * objectives, failed steps) are added to lessons and action items.
 *
 * @param rootCause      the root cause, null while unknown
 * @param impact         the business impact, null while unassessed
 * @param lessonsLearned improvements identified
 * @param actionItems    follow-up tasks
 */
public record PostMortem(@Nullable String rootCause, @Nullable String impact, List<String> lessonsLearned,
                         List<String> actionItems) {
    public PostMortem {
        lessonsLearned = List.copyOf(lessonsLearned);
        actionItems = List.copyOf(actionItems);
    }

    /** Nothing known yet: the report shows what to fill in. */
    public static PostMortem empty() {
        return new PostMortem(null, null, List.of(), List.of());
    }
}
