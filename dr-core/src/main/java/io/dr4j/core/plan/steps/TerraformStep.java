package io.dr4j.core.plan.steps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.StepOutput;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions infrastructure with Terraform: {@code terraform init}, {@code plan -out} with a var-file, {@code apply}
 * of exactly that plan, then {@code terraform output -json}. Runs non-interactively ({@code -input=false
 * -no-color}, {@code TF_IN_AUTOMATION=1}, {@code TF_INPUT=0}) with the plugin cache off ({@code TF_PLUGIN_CACHE_DIR}
 * removed). Secrets go in the var-file or {@code TF_VAR_*} environment variables, never in arguments. The end of
 * each command's output (bounded) and every Terraform output (sensitive ones shown as {@code <sensitive>}) become
 * the step's output values, so they appear in the report. Interrupted (timeout, cancel): Terraform gets SIGTERM to
 * stop cleanly, then is killed.
 */
public final class TerraformStep implements StepAction {
    private static final Logger log = LoggerFactory.getLogger(TerraformStep.class);
    /** Bytes of each command's output kept for the report (the end of it). */
    static final int TAIL_BYTES = 8 * 1024;

    private final Path binary;
    private final Path directory;
    private final @Nullable Path varFile;
    private final boolean apply;
    private final Map<String, String> environment;

    private TerraformStep(Builder b) {
        this.binary = b.binary;
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.varFile = b.varFile;
        this.apply = b.apply;
        this.environment = Map.copyOf(b.environment);
    }

    /** Terraform in {@code directory}, the binary found on the PATH. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    @Override
    public StepOutput execute(StepContext ctx) throws Exception {
        if (!Files.isDirectory(directory)) {
            throw StepFailedException.permanent("Terraform directory " + directory + " does not exist");
        }
        if (varFile != null && !Files.isRegularFile(varFile)) {
            throw StepFailedException.permanent("Terraform var-file " + varFile + " does not exist. Pass the "
                    + "environment's .tfvars file");
        }
        Map<String, String> values = new LinkedHashMap<>();
        ctx.progress("terraform init in " + directory);
        values.put("log.init", run(ctx, List.of("init", "-input=false", "-no-color"), 0).output);

        List<String> plan = new ArrayList<>(List.of("plan", "-input=false", "-no-color", "-detailed-exitcode",
                "-out=dr4j.tfplan"));
        if (varFile != null) {
            plan.add("-var-file=" + varFile.toAbsolutePath());
        }
        ctx.progress("terraform plan");
        Result p = run(ctx, plan, 2);
        values.put("log.plan", p.output);
        values.put("plan.summary", summary(p.output, "Plan:", "No changes."));
        values.put("plan.changes", Boolean.toString(p.exit == 2));
        if (apply) {
            ctx.progress("terraform apply");
            Result a = run(ctx, List.of("apply", "-input=false", "-no-color", "dr4j.tfplan"), 0);
            values.put("log.apply", a.output);
            values.put("apply.summary", summary(a.output, "Apply complete!", "No changes."));
        }
        Result out = run(ctx, List.of("output", "-json", "-no-color"), 0);
        Map<String, String> outputs = parseOutputs(out.output);
        outputs.forEach((k, v) -> values.put("output." + k, v));
        String what = apply ? values.get("apply.summary") : values.get("plan.summary");
        return StepOutput.of("terraform in " + directory.getFileName() + ": " + what
                + (outputs.isEmpty() ? "" : " Outputs: " + String.join(", ", outputs.keySet()) + "."), values);
    }

    private record Result(int exit, String output) {
    }

    private Result run(StepContext ctx, List<String> args, int alsoOk) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("TF_PLUGIN_CACHE_DIR");
        env.put("TF_IN_AUTOMATION", "1");
        env.put("TF_INPUT", "0");
        env.putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw StepFailedException.permanent("Cannot run " + binary + ": " + e.getMessage()
                    + ". Install Terraform or point TerraformStep.builder(...).binary(...) at it");
        }
        process.getOutputStream().close();
        Tail tail = new Tail(process.getInputStream());
        Thread pump = new Thread(tail, "dr4j-terraform-" + args.get(0));
        pump.setDaemon(true);
        pump.start();
        int exit;
        try {
            exit = process.waitFor();
            pump.join(5_000);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw e;
        }
        String output = tail.text();
        if (exit != 0 && exit != alsoOk) {
            String last = lastLines(output, 15);
            throw new StepFailedException("terraform " + args.get(0) + " in " + directory + " failed (exit " + exit + "): "
                    + last, false, null);
        }
        log.debug("terraform {} in {} exited {}", args.get(0), directory, exit);
        return new Result(exit, output);
    }

    private static void stop(Process p) {
        p.destroy(); // SIGTERM: Terraform stops gracefully and releases the state lock
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, String> parseOutputs(String json) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String trimmed = json.strip();
        int start = trimmed.indexOf('{');
        if (start < 0) {
            return out;
        }
        JsonNode root = Json.mapper().readTree(trimmed.substring(start));
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode node = e.getValue();
            if (node.path("sensitive").asBoolean(false)) {
                out.put(e.getKey(), "<sensitive>");
            } else {
                JsonNode v = node.path("value");
                out.put(e.getKey(), v.isTextual() ? v.asText() : v.toString());
            }
        }
        return out;
    }

    private static String summary(String output, String prefix, String none) {
        for (String line : output.lines().toList()) {
            String l = line.strip();
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        return output.contains(none) ? none : lastLines(output, 1);
    }

    private static String lastLines(String s, int n) {
        List<String> lines = s.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size())).strip();
    }

    /** Keeps the last {@link #TAIL_BYTES} bytes of a stream, reading it to the end. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final byte[] ring = new byte[TAIL_BYTES];
        private long total;

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (total++ % TAIL_BYTES)] = buf[i];
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended or was killed
            }
        }

        synchronized String text() {
            if (total <= TAIL_BYTES) {
                return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
            }
            int head = (int) (total % TAIL_BYTES);
            byte[] ordered = new byte[TAIL_BYTES];
            System.arraycopy(ring, head, ordered, 0, TAIL_BYTES - head);
            System.arraycopy(ring, 0, ordered, TAIL_BYTES - head, head);
            return "[... " + (total - TAIL_BYTES) + " bytes cut ...]\n" + new String(ordered, StandardCharsets.UTF_8);
        }
    }

    /** Configures a Terraform step. */
    public static final class Builder {
        private final Path directory;
        private Path binary = Path.of("terraform");
        private @Nullable Path varFile;
        private boolean apply = true;
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The terraform executable (default: {@code terraform} from the PATH). */
        public Builder binary(Path b) {
            this.binary = Objects.requireNonNull(b, "binary");
            return this;
        }

        /** The environment's variables file, e.g. {@code terraform.prod.tfvars}. */
        public Builder varFile(Path f) {
            this.varFile = Objects.requireNonNull(f, "varFile");
            return this;
        }

        /** Apply the plan (default true); false only plans. */
        public Builder apply(boolean a) {
            this.apply = a;
            return this;
        }

        /** Extra environment, e.g. {@code TF_VAR_db_password} or backend credentials (never logged). */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public TerraformStep build() {
            return new TerraformStep(this);
        }
    }
}
