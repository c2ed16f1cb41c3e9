package io.dr4j.postgres;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts of a {@code backup_label}: start LSN and timeline.
 *
 * @param startLsn  START WAL LOCATION
 * @param timeline  START TIMELINE
 */
public record BackupLabel(long startLsn, long timeline) {
    private static final Pattern START = Pattern.compile("START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");

    public static BackupLabel parse(String label) {
        Matcher m = START.matcher(label);
        if (!m.find()) {
            throw new PostgresException("backup_label has no START WAL LOCATION line: " + label.strip());
        }
        long lsn = Lsn.parse(m.group(1));
        Matcher t = TIMELINE.matcher(label);
        long tl = t.find() ? Long.parseLong(t.group(1)) : Lsn.timelineOf(m.group(2));
        return new BackupLabel(lsn, tl);
    }
}
