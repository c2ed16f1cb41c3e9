package io.dr4j.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Set;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.codec.Codec;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.internal.json.Json;

/**
 * A head start for CLI calls: on a second thread, while the main thread builds and parses the command line (picocli,
 * ~0.2-0.3 s of a call on one core), it does work the command needs soon anyway. It opens the class path's jars; for
 * the commands that move data it also makes SHA-256 hot, so that the JIT compiles the digest's callers with the CPU's
 * SHA instructions before the first file is hashed (until then hashing runs as plain Java, several times slower),
 * builds the JSON mapper and the manifest's deserializer, and loads zstd's native library. Only a head start: each
 * command does all of it itself when it gets there first, so a failure here is ignored. An embedding application pays
 * these costs once per process and does not need it. {@code -Ddr.warmup=off} disables it.
 */
final class Warmup {
    /** Commands that hash and compress: they get the SHA-256, JSON and zstd parts too. */
    private static final Set<String> DATA_COMMANDS = Set.of("backup", "restore", "archive", "wal-push", "wal-fetch",
            "verify", "restore-database");

    private Warmup() {
    }

    static void start(String[] args) {
        if (args.length == 0 || !DrCommand.SUBCOMMANDS.containsKey(args[0])
                || "off".equals(System.getProperty("dr.warmup"))) {
            return;
        }
        boolean data = DATA_COMMANDS.contains(args[0]);
        // a physical restore gets its own mix: no SHA-256 (it checks its files' CRC-32C and hashes only the WAL it
        // fetches: the warm-up would only take a core from the main thread while it starts), and the reading of a
        // manifest exercised instead (its first act on the main thread)
        boolean restore = args[0].equals("restore");
        boolean sha256 = data && !restore;
        boolean scan = scanPays(args, System.getenv());
        Thread t = new Thread(() -> run(data, sha256, restore, scan), "dr4j-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Whether the command will look through the whole class path (a service lookup, the JDBC driver's registration),
     * so that opening its jars here ahead pays. Not for a restore from a local repository without {@code --start}:
     * it looks nothing up (its storage provider is named in {@link Cli#disasterRecovery}, logging is bound directly by
     * {@link CliLogProvider}), and a scan here would only take a core and the class loader's lock from the main thread
     * while it loads picocli's classes. Where the repository is unknown here (a {@code --config} file), it scans.
     */
    static boolean scanPays(String[] args, java.util.Map<String, String> env) {
        if (!args[0].equals("restore") || env.containsKey("DR_STORAGE_PROVIDER")) {
            return true;
        }
        String repo = env.get("DR_REPOSITORY");
        int repos = 0;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--start") || a.equals("--config") || a.startsWith("--config=")) {
                return true;
            }
            if (a.equals("--repo") && i + 1 < args.length) {
                repo = args[i + 1];
                repos++;
            } else if (a.startsWith("--repo=")) {
                repo = a.substring("--repo=".length());
                repos++;
            }
        }
        if (repos > 1) {
            return true; // a mirror
        }
        // a path or file: URI (what BackupTargets.parse makes a file: location), one repository (not a mirror)
        return repo == null || repo.contains(",")
                || repo.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !repo.regionMatches(true, 0, "file:", 0, 5);
    }

    private static void run(boolean data, boolean sha256, boolean readsManifest, boolean scan) {
        try {
            if (sha256) {
                sha256();
            }
            if (scan) {
                openClassPath();
            }
            if (!data) {
                return;
            }
            if (readsManifest) {
                manifest();
            } else {
                Json.mapper().readerFor(BackupManifest.class);
            }
            try (InputStream in = Codec.decompress(InputStream.nullInputStream(), Compression.ZSTD);
                 OutputStream out = Codec.compress(OutputStream.nullOutputStream(), CodecSpec.DEFAULT)) {
                out.write(new byte[64]);
            }
        } catch (Exception | LinkageError e) {
            // ignored: the command initialises everything itself
        }
    }

    /**
     * A manifest of 400 entries written and read back: a restore's first act is reading the chosen backup's manifest
     * (~1,000 entries for a PostgreSQL cluster) on the main thread, and in a fresh JVM most of that is interpreted
     * Jackson code; exercised here first, while the main thread parses the command line, the JIT has compiled it
     * when the real one is read.
     */
    private static void manifest() throws java.io.IOException {
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00.123456789Z");
        java.util.List<BackupFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            files.add(new BackupFile("base/1/" + i, BackupFile.Kind.FILE, i, i, "0".repeat(64), "0000000" + i % 10,
                    "backups/20260101T000000Z-full/data/base/1/" + i + ".zst", null, t.plusNanos(i), 0600, null, null));
        }
        BackupManifest m = new BackupManifest(BackupManifest.FORMAT_VERSION, "20260101T000000Z-full", BackupType.FULL,
                null, "1", "postgresql", t, t, java.util.Map.of("majorVersion", "15"), java.util.Map.of(), files, 0, 0);
        Json.read(Json.write(m), BackupManifest.class);
    }

    /**
     * The first class-path-wide resource lookup (SLF4J's and logback's service lookups, then dr4j's provider
     * discovery) opens every jar of the class path and reads its central directory: ~0.1-0.2 s for the CLI's ~200 jars
     * (the cloud SDKs and Kubernetes client are most of them). Done here, it overlaps with the command line's parsing.
     */
    private static void openClassPath() throws java.io.IOException {
        java.util.Enumeration<java.net.URL> e = Warmup.class.getClassLoader()
                .getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
        while (e.hasMoreElements()) {
            e.nextElement();
        }
    }

    /**
     * ~40,000 small updates: enough calls (also with the launcher's -XX:CompileThresholdScaling=3) for C2 to compile
     * {@code MessageDigest.update} down to the digest's multi-block loop, which it replaces with the SHA-NI/AVX2 stub;
     * tens of milliseconds of CPU.
     * (Logging is not initialised here: SLF4J hands a second thread that asks during the initialisation substitute
     * loggers and prints a warning when it replays their events.)
     */
    private static void sha256() throws Exception {
        // the JDK's other digests first: code compiled while SHA-256 was the only DigestBase loaded is thrown away
        // when another one loads (the JIT assumed a single implementation), which the command's libraries do soon
        for (String other : new String[] {"SHA-1", "SHA-224", "SHA-384", "SHA-512", "MD5"}) {
            MessageDigest.getInstance(other);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[256];
        for (int i = 0; i < 40_000; i++) {
            // whole blocks mostly, and now and then a partial one and a digest: the branches real files take, so that
            // the compiled code is not thrown away at the first file's end
            md.update(block, 0, i % 16 == 15 ? 135 : 64);
            if (i % 64 == 63) {
                md.digest();
            }
        }
    }
}
