package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever key a caller makes up from path-like characters, the file target either rejects it with
 * {@link InvalidKeyException} or stores it strictly inside its root; nothing ever appears outside.
 */
class HostileKeyPropertiesTest {
    static Path sandbox;
    static Path root;
    static FileBackupTarget target;

    @BeforeContainer
    static void create() throws IOException {
        sandbox = Files.createTempDirectory("dr4j-keys");
        root = Files.createDirectories(sandbox.resolve("inner/root"));
        target = FileBackupTarget.of(root);
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(sandbox)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> pathLike() {
        return Arbitraries.strings().withChars('a', 'b', '.', '/', '\\', '\u0000', ':', 'C', ' ', '~', '\n')
                .ofMinLength(0).ofMaxLength(14);
    }

    @Property(tries = 3000)
    void aKeyIsRejectedOrStaysInsideTheRoot(@ForAll("pathLike") String key) throws IOException {
        boolean valid;
        try {
            ObjectKeys.validate(key);
            valid = true;
        } catch (InvalidKeyException e) {
            valid = false;
        }
        if (!valid) {
            return;
        }
        Path p;
        try {
            p = target.resolve(key);
        } catch (InvalidKeyException reserved) {
            return; // e.g. the .dr4j-tmp namespace
        }
        assertThat(p.normalize().startsWith(root)).as("%s resolves inside the root", key).isTrue();
        assertThat(p.normalize()).isNotEqualTo(root);
        try {
            target.put(key, new ByteArrayInputStream(new byte[] {1}), WriteOptions.replaceExisting());
        } catch (StorageException e) {
            // a key below an existing object ("a" then "a/b") cannot be a file: refused, still inside
        }
        try (Stream<Path> s = Files.walk(sandbox)) {
            assertThat(s.filter(Files::isRegularFile)).allMatch(f -> f.startsWith(root));
        }
    }
}
