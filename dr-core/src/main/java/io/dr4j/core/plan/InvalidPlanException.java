package io.dr4j.core.plan;

import java.util.List;

import io.dr4j.core.ConfigurationException;

/** A plan is malformed (cycle, unknown dependency, duplicate id, missing input); refused before anything runs. */
public class InvalidPlanException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    public InvalidPlanException(List<String> problems) {
        super(problems, null);
    }
}
