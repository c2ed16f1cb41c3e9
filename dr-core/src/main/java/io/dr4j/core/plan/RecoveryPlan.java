package io.dr4j.core.plan;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A runbook as code: named {@link Step}s whose dependencies form a DAG (independent branches run in parallel),
 * the inputs a run needs, and the components whose RTO/RPO the run is measured against. Immutable; built with
 * {@link #builder(String)}, which refuses cycles, unknown dependencies and duplicate ids, naming them.
 * {@link #toMarkdown()} renders the runbook.
 */
public final class RecoveryPlan {
    private final String id;
    private final String title;
    private final String description;
    private final List<String> symptoms;
    private final List<Step> steps;
    private final Map<String, Step> byId;
    private final List<PlanInput> inputs;
    private final Set<Component> rtoComponents;
    private final Set<Component> rpoComponents;
    private final List<String> topological;

    private RecoveryPlan(Builder b, List<String> topological) {
        this.id = b.id;
        this.title = b.title == null ? b.id : b.title;
        this.description = b.description;
        this.symptoms = List.copyOf(b.symptoms);
        this.steps = List.copyOf(b.steps);
        Map<String, Step> m = new LinkedHashMap<>();
        for (Step s : steps) {
            m.put(s.id(), s);
        }
        this.byId = java.util.Collections.unmodifiableMap(m);
        this.inputs = List.copyOf(b.inputs.values());
        this.rtoComponents = b.rto.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(b.rto));
        this.rpoComponents = b.rpo.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(b.rpo));
        this.topological = List.copyOf(topological);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    /** How the disaster shows itself (runbook text). */
    public List<String> symptoms() {
        return symptoms;
    }

    /** The steps in the order they were added. */
    public List<Step> steps() {
        return steps;
    }

    public Optional<Step> step(String stepId) {
        return Optional.ofNullable(byId.get(stepId));
    }

    /** Step ids in an order where every step comes after its dependencies (ties: order of addition). */
    public List<String> topologicalOrder() {
        return topological;
    }

    public List<PlanInput> inputs() {
        return inputs;
    }

    /** Components whose RTO this plan's run is measured against. */
    public Set<Component> rtoComponents() {
        return rtoComponents;
    }

    /** Components whose RPO this plan's run is measured against. */
    public Set<Component> rpoComponents() {
        return rpoComponents;
    }

    /** Expected start and finish of every step, from the expected durations along the DAG. */
    public PlanSchedule expectedSchedule() {
        return PlanSchedule.of(this);
    }

    /** The runbook, measured against the default objectives. */
    public String toMarkdown() {
        return toMarkdown(Objectives.defaults());
    }

    public String toMarkdown(Objectives objectives) {
        return RunbookRenderer.render(this, objectives);
    }

    /** The steps that directly depend on {@code stepId}. */
    public List<String> dependents(String stepId) {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.dependsOn().contains(stepId)) {
                out.add(s.id());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "RecoveryPlan[" + id + ", " + steps.size() + " steps]";
    }

    /** Builds a plan; {@link #build()} validates everything at once. */
    public static final class Builder {
        private final String id;
        private @Nullable String title;
        private String description = "";
        private final List<String> symptoms = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private final Map<String, PlanInput> inputs = new LinkedHashMap<>();
        private final Set<Component> rto = new HashSet<>();
        private final Set<Component> rpo = new HashSet<>();

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        public Builder title(String t) {
            this.title = Objects.requireNonNull(t, "title");
            return this;
        }

        public Builder description(String d) {
            this.description = Objects.requireNonNull(d, "description");
            return this;
        }

        public Builder symptom(String s) {
            symptoms.add(Objects.requireNonNull(s, "symptom"));
            return this;
        }

        public Builder step(Step s) {
            steps.add(Objects.requireNonNull(s, "step"));
            return this;
        }

        public Builder step(Step.Builder s) {
            return step(s.build());
        }

        /** A required input. */
        public Builder input(String name, String description) {
            inputs.put(name, new PlanInput(name, description, null));
            return this;
        }

        /** An optional input with a default value. */
        public Builder input(String name, String description, String defaultValue) {
            inputs.put(name, new PlanInput(name, description, Objects.requireNonNull(defaultValue, "defaultValue")));
            return this;
        }

        /** Measures the run's RTO against these components' objectives. */
        public Builder rto(Component... components) {
            rto.addAll(List.of(components));
            return this;
        }

        /** Measures the run's RPO against these components' objectives. */
        public Builder rpo(Component... components) {
            rpo.addAll(List.of(components));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidPlanException listing every problem: duplicate ids, unknown dependencies, cycles
         */
        public RecoveryPlan build() {
            List<String> problems = new ArrayList<>();
            if (!Step.isValidId(id)) {
                problems.add("Invalid plan id '" + id + "': use lower-case letters, digits and '-'");
            }
            if (steps.isEmpty()) {
                problems.add("Plan '" + id + "' has no steps");
            }
            Map<String, Step> byId = new LinkedHashMap<>();
            for (Step s : steps) {
                if (byId.putIfAbsent(s.id(), s) != null) {
                    problems.add("Plan '" + id + "': step id '" + s.id() + "' is used twice; step ids must be unique");
                }
            }
            for (Step s : steps) {
                for (String d : s.dependsOn()) {
                    if (d.equals(s.id())) {
                        problems.add("Plan '" + id + "': step '" + s.id() + "' depends on itself");
                    } else if (!byId.containsKey(d)) {
                        problems.add("Plan '" + id + "': step '" + s.id() + "' depends on '" + d
                                + "', which is not a step of this plan (steps: " + String.join(", ", byId.keySet()) + ")");
                    }
                }
            }
            List<String> order = List.of();
            if (problems.isEmpty()) {
                List<String> cycle = findCycle(byId);
                if (!cycle.isEmpty()) {
                    problems.add("Plan '" + id + "' has a dependency cycle: " + String.join(" -> ", cycle)
                            + ". Remove one of these dependencies");
                } else {
                    order = topologicalOrder(byId);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return new RecoveryPlan(this, order);
        }

        private static List<String> topologicalOrder(Map<String, Step> byId) {
            List<String> out = new ArrayList<>();
            Set<String> done = new HashSet<>();
            while (out.size() < byId.size()) {
                for (Step s : byId.values()) {
                    if (!done.contains(s.id()) && done.containsAll(s.dependsOn())) {
                        out.add(s.id());
                        done.add(s.id());
                        break;
                    }
                }
            }
            return out;
        }

        /** A cycle as a path a -> b -> ... -> a, or empty. */
        private static List<String> findCycle(Map<String, Step> byId) {
            Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
            for (String start : byId.keySet()) {
                if (state.containsKey(start)) {
                    continue;
                }
                Deque<String> path = new ArrayDeque<>();
                List<String> c = dfs(start, byId, state, path);
                if (!c.isEmpty()) {
                    return c;
                }
            }
            return List.of();
        }

        private static List<String> dfs(String node, Map<String, Step> byId, Map<String, Integer> state,
                                        Deque<String> path) {
            state.put(node, 1);
            path.addLast(node);
            for (String dep : byId.get(node).dependsOn()) {
                Integer st = state.get(dep);
                if (st == null) {
                    List<String> c = dfs(dep, byId, state, path);
                    if (!c.isEmpty()) {
                        return c;
                    }
                } else if (st == 1) {
                    List<String> onPath = new ArrayList<>(path);
                    List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(dep), onPath.size()));
                    cycle.add(dep);
                    java.util.Collections.reverse(cycle); // show in execution direction: dependency first
                    return cycle;
                }
            }
            path.removeLast();
            state.put(node, 2);
            return List.of();
        }
    }

    /** Like {@link #human(Duration)}, but zero reads "0". */
    static String human0(Duration d) {
        return d.isZero() ? "0" : human(d);
    }

    /** Duration in the runbook's words: 90 s, 15 min, 1 h 30 min. */
    public static String human(Duration d) {
        long s = d.getSeconds();
        if (s == 0 && d.toMillis() > 0) {
            return d.toMillis() + " ms";
        }
        if (s < 60) {
            return s + " s";
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append(" h");
        }
        if (m > 0) {
            b.append(b.length() > 0 ? " " : "").append(m).append(" min");
        }
        if (sec > 0 && h == 0) {
            b.append(b.length() > 0 ? " " : "").append(sec).append(" s");
        }
        return b.toString();
    }
}
