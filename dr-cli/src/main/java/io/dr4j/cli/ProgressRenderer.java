package io.dr4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

import io.dr4j.core.Progress;
import io.dr4j.core.ProgressListener;

/**
 * Draws progress: on a terminal a one-line bar redrawn in place (bytes, rate, ETA); otherwise a plain line at most
 * every 10 seconds or on each phase change, so logs stay readable.
 */
final class ProgressRenderer implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private long lastDraw;
    private String lastPhase = "";

    ProgressRenderer(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        long now = System.nanoTime();
        boolean phaseChanged = !p.phase().equals(lastPhase);
        long minGap = terminal ? 100_000_000L : 10_000_000_000L;
        if (!phaseChanged && now - lastDraw < minGap && !(p.bytesTotal() > 0 && p.bytesDone() >= p.bytesTotal())) {
            return;
        }
        lastDraw = now;
        String line = render(p);
        if (terminal) {
            if (phaseChanged && !lastPhase.isEmpty()) {
                err.print('\n');
            }
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        lastPhase = p.phase();
        err.flush();
    }

    /** Ends the bar's line on a terminal, when one was drawn (plain lines end themselves). */
    synchronized void finish() {
        if (terminal && !lastPhase.isEmpty()) {
            err.print('\n');
            err.flush();
        }
        lastPhase = "";
    }

    static String render(Progress p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.operation()).append(' ').append(p.phase()).append(' ');
        if (p.bytesTotal() > 0) {
            double f = Math.min(1.0, (double) p.bytesDone() / p.bytesTotal());
            int filled = (int) Math.round(f * WIDTH);
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%% ", f * 100));
            sb.append(bytes(p.bytesDone())).append('/').append(bytes(p.bytesTotal()));
        } else {
            sb.append(bytes(p.bytesDone()));
        }
        if (p.itemsTotal() > 0) {
            sb.append(' ').append(p.itemsDone()).append('/').append(p.itemsTotal()).append(" files");
        } else if (p.itemsDone() > 0) {
            sb.append(' ').append(p.itemsDone()).append(" files");
        }
        sb.append(' ').append(bytes((long) p.bytesPerSecond())).append("/s");
        p.etaSeconds().ifPresent(s -> sb.append(" ETA ").append(duration(s)));
        return sb.toString();
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
    }
}
