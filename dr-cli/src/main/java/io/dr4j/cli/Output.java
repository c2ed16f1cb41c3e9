package io.dr4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import io.dr4j.core.internal.json.Json;

/** Tables for people, JSON for scripts. */
final class Output {
    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        out.println(new String(Json.write(value), java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    /** A left-aligned table with a header row. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                sb.append(i == w.length - 1 ? r.get(i) : String.format("%-" + w[i] + "s  ", r.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }
}
