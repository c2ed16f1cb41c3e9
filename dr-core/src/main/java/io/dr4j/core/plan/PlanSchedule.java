package io.dr4j.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expected timing of a plan from its steps' expected durations, with unlimited parallelism: each step starts
 * when its last dependency is expected to finish. {@link #total()} is the critical path.
 *
 * @param starts   expected start offset of each step, in topological order
 * @param finishes expected finish offset of each step
 * @param criticalPath the chain of steps that determines the total
 */
public record PlanSchedule(Map<String, Duration> starts, Map<String, Duration> finishes, List<String> criticalPath) {

    static PlanSchedule of(RecoveryPlan plan) {
        Map<String, Duration> starts = new LinkedHashMap<>();
        Map<String, Duration> finishes = new LinkedHashMap<>();
        Map<String, String> via = new LinkedHashMap<>();
        for (String id : plan.topologicalOrder()) {
            Step s = plan.step(id).orElseThrow();
            Duration start = Duration.ZERO;
            for (String d : s.dependsOn()) {
                if (finishes.get(d).compareTo(start) > 0) {
                    start = finishes.get(d);
                    via.put(id, d);
                }
            }
            starts.put(id, start);
            finishes.put(id, start.plus(s.expectedDuration()));
        }
        String last = null;
        for (Map.Entry<String, Duration> e : finishes.entrySet()) {
            if (last == null || e.getValue().compareTo(finishes.get(last)) > 0) {
                last = e.getKey();
            }
        }
        List<String> path = new ArrayList<>();
        for (String cur = last; cur != null; cur = via.get(cur)) {
            path.add(cur);
        }
        Collections.reverse(path);
        return new PlanSchedule(Collections.unmodifiableMap(starts), Collections.unmodifiableMap(finishes),
                List.copyOf(path));
    }

    /** The expected duration of the whole plan. */
    public Duration total() {
        return finishes.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
