package io.dr4j.core.plan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The built-in approvers. */
public final class Approvers {
    private Approvers() {
    }

    /** Approves everything, recording {@code policy:<who>} as the approver (drills, non-interactive automation). */
    public static Approver autoApprove(String who) {
        Objects.requireNonNull(who, "who");
        return r -> ApprovalDecision.approve("policy:" + who, "approved automatically by configuration");
    }

    /** Refuses everything: a non-interactive run stops at its first approval point and says how to continue. */
    public static Approver refuseAll() {
        return r -> ApprovalDecision.refuse("policy:non-interactive",
                "no person can be asked in a non-interactive run; approve '" + r.stepId()
                        + "' interactively, or configure auto-approval, then resume the run");
    }

    /**
     * The approver of a run without a person at the keyboard: {@link #autoApprove} when configured to
     * (e.g. a command-line {@code --yes} or a drill), else {@link #refuseAll}.
     */
    public static Approver nonInteractive(boolean autoApprove) {
        return autoApprove ? autoApprove("auto-approve") : refuseAll();
    }

    /**
     * Asks on a console: prints the question and details, reads {@code yes}/{@code no} (anything else asks again) and
     * optionally a reason. End of input counts as a refusal.
     */
    public static Approver console(BufferedReader in, PrintWriter out, String who) {
        return request -> {
            out.println();
            out.println("APPROVAL NEEDED [" + request.planId() + " / " + request.stepId() + "]");
            out.println(request.question());
            for (Map.Entry<String, String> e : request.details().entrySet()) {
                out.println("  " + e.getKey() + ": " + e.getValue());
            }
            try {
                while (true) {
                    out.print("Approve? [yes/no]: ");
                    out.flush();
                    String line = in.readLine();
                    if (line == null) {
                        return ApprovalDecision.refuse(who, "no answer (end of input)");
                    }
                    String a = line.trim().toLowerCase(Locale.ROOT);
                    if (a.equals("yes") || a.equals("y") || a.equals("no") || a.equals("n")) {
                        out.print("Reason (optional): ");
                        out.flush();
                        String reason = in.readLine();
                        String why = reason == null || reason.isBlank() ? "answered on the console" : reason.trim();
                        return a.startsWith("y") ? ApprovalDecision.approve(who, why) : ApprovalDecision.refuse(who, why);
                    }
                }
            } catch (IOException e) {
                return ApprovalDecision.refuse(who, "console unreadable: " + e.getMessage());
            }
        };
    }
}
