package io.dr4j.storage.gcs;

import java.util.Map;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The dr-tck cases google-cloud-nio's LocalStorageHelper cannot support, each with the reason. They are reported
 * as disabled with that reason and run against a real endpoint in {@link GcsRealIT}.
 */
final class FakeLimits implements ExecutionCondition {
    static final Map<String, String> UNSUPPORTED = Map.of(
            "Listing.pagination", "LocalStorageHelper truncates a listing to pageSize objects in hash order and never "
                    + "returns a next-page token, so pages after the first are unreachable",
            "Abort.closeWithoutCommit", "the kit writes 300,000 bytes, more than the 256 KiB chunk, so a resumable "
                    + "session opens; LocalStorageHelper registers the object when a session opens (real GCS creates "
                    + "nothing until the last chunk). Aborts within one chunk are checked by Abort.explicitAbort and "
                    + "Abort.exceptionAborts",
            "Concurrency.concurrentWriters", "LocalStorageHelper's FakeStorageRpc is documented @NotThreadSafe (plain "
                    + "HashMaps); concurrent writers corrupt the fake, not the target");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("container");
        }
        String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        String reason = UNSUPPORTED.get(name);
        return reason == null ? ConditionEvaluationResult.enabled("supported by the fake")
                : ConditionEvaluationResult.disabled("Not supported by the in-memory fake: " + reason);
    }
}
