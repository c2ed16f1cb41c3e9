package io.dr4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DrException;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code dr}: the command line of dr4j. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("dr.log.level") == null) {
            boolean verbose = java.util.Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
            System.setProperty("dr.log.level", verbose ? "INFO" : "WARN");
            if (System.getProperty("dr.plan.log.level") == null) {
                System.setProperty("dr.plan.log.level", verbose ? "INFO" : "ERROR");
            }
        }
        if (System.getProperty("slf4j.provider") == null) {
            // logback, bound without SLF4J's and logback's class-path-wide service lookups (see CliLogProvider);
            // SLF4J would announce an explicit provider with an "SLF4J(I)" line on every call: warnings only
            System.setProperty("slf4j.provider", CliLogProvider.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
        if (System.getProperty("picocli.disable.closures") == null) {
            // picocli looks for Groovy (groovy.lang.Closure) when it starts: a class missing from every jar, so a
            // search through all ~200 of the class path. dr's annotations hold no closures
            System.setProperty("picocli.disable.closures", "true");
        }
        Warmup.start(args);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, System.getenv(), out, err, System.console() != null);
        out.flush();
        err.flush();
        System.exit(code);
    }

    private static boolean suggestCommand(ParameterException e, PrintWriter err) {
        if (!(e instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return false;
        }
        String typed = u.getUnmatched().get(0);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : e.getCommandLine().getSubcommands().keySet()) {
            int d = distance(typed, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        if (best != null && bestDistance <= Math.max(2, typed.length() / 3)) {
            err.println("Did you mean '" + e.getCommandLine().getCommandSpec().qualifiedName() + " " + best + "'?");
            return true;
        }
        return false;
    }

    /** Damerau-Levenshtein (optimal string alignment) distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Runs {@code dr} with these arguments and returns the exit code (see {@link ExitCode}). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean interactive) {
        DrCommand root = new DrCommand(env, out, err, interactive);
        CommandLine cl = DrCommand.forArgs(root, args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setParameterExceptionHandler((ParameterException e, String[] a) -> {
            err.println("dr: " + e.getMessage());
            if (!UnmatchedArgumentException.printSuggestions(e, err) && !suggestCommand(e, err)) {
                err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((Exception e, CommandLine c, CommandLine.ParseResult r) -> {
            boolean verbose = root.global.verbose;
            if (e instanceof ConfigurationException ce) {
                err.println("dr: " + ce.getMessage());
                if (verbose) {
                    ce.printStackTrace(err);
                }
                err.flush();
                return ExitCode.USAGE;
            }
            if (e instanceof DrException de) {
                err.println("dr: " + de.getMessage());
            } else {
                err.println("dr: unexpected error: " + e);
                if (!verbose) {
                    err.println("Run again with --verbose for the stack trace.");
                }
            }
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.FAILED;
        });
        return cl.execute(args);
    }
}
