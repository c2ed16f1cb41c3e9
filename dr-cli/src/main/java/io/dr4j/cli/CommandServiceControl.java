package io.dr4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.dr4j.core.plan.StepFailedException;
import io.dr4j.core.plan.steps.ServiceControl;

/**
 * Stops and starts services with configured shell commands ({@code dr.plan.stop-command},
 * {@code dr.plan.start-command}), {@code {service}} replaced by the service name: {@code docker stop {service}},
 * {@code systemctl start {service}}, {@code kubectl scale deploy/{service} --replicas=0}.
 */
final class CommandServiceControl implements ServiceControl {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/@-]+");
    private final String stop;
    private final String start;

    CommandServiceControl(String stop, String start) {
        this.stop = stop;
        this.start = start;
    }

    @Override
    public String name() {
        return "commands";
    }

    @Override
    public void stop(String service) throws Exception {
        run(stop, service, "stop");
    }

    @Override
    public void start(String service) throws Exception {
        run(start, service, "start");
    }

    private static void run(String template, String service, String what) throws IOException, InterruptedException {
        if (!NAME.matcher(service).matches()) {
            throw StepFailedException.permanent("Service name '" + service + "' has characters a shell would interpret; "
                    + "use letters, digits and _ . : / @ -");
        }
        String command = template.replace("{service}", service);
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new StepFailedException("'" + command + "' did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            String text = new String(out, StandardCharsets.UTF_8).strip();
            if (text.length() > 500) {
                text = text.substring(text.length() - 500);
            }
            throw new StepFailedException("Could not " + what + " " + service + ": '" + command
                    + "' exited with " + p.exitValue() + (text.isEmpty() ? "" : ": " + text));
        }
    }
}
