package io.dr4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.Payloads;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryDescriptor;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeEncryptionTest {
    @TempDir
    Path dir;

    final Secret keyA = KeyProvider.generate();
    final Secret keyB = KeyProvider.generate();

    FileBackupTarget target() {
        return FileBackupTarget.of(dir.resolve("repo"));
    }

    static RepositoryOptions encryptedWith(Secret key) {
        return RepositoryOptions.DEFAULT.withEncryption(EnvelopeEncryption.with(KeyProvider.of(key, "test key")));
    }

    private List<String> filesUnder(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).map(f -> p.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void anEncryptedRepositoryRoundTripsAcrossOpens() throws Exception {
        byte[] data = Payloads.bytes(1, 2_500_000);
        StoredObject o;
        try (Repository repo = Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test")) {
            o = repo.write("backups/b1/data/x", new ByteArrayInputStream(data));
        }
        assertThat(o.key()).endsWith(".zst.enc");
        byte[] stored = Files.readAllBytes(dir.resolve("repo").resolve(o.key()));
        assertThat(stored).as("stored bytes are ciphertext").isNotEqualTo(data);
        try (Repository repo = Repository.open(target(), encryptedWith(keyA)); InputStream in = repo.read(o)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void repositoryJsonRecordsTheWrappedKeysetButNoKeyMaterial() throws Exception {
        try (Repository repo = Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test")) {
            Map<String, Object> enc = repo.descriptor().encryption();
            assertThat(enc).containsEntry("algorithm", "AES256_GCM_HKDF_1MB")
                    .containsEntry("keyId", EnvelopeEncryption.keyIdOf(KeyProvider.of(keyA, "a")))
                    .containsKey("wrappedDataKeyset");
        }
        String json = Files.readString(dir.resolve("repo/repository.json"));
        assertThat(json).doesNotContain(keyA.reveal());
    }

    @Test
    void aWrongKeyIsRefusedBeforeAnythingIsReadOrWritten() throws Exception {
        try (Repository repo = Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test")) {
            repo.write("backups/b1/data/x", new ByteArrayInputStream(new byte[] {1, 2, 3}));
        }
        List<String> before = filesUnder(dir.resolve("repo"));
        String descriptor = Files.readString(dir.resolve("repo/repository.json"));

        Throwable t = catchThrowable(() -> Repository.openOrInit(target(), encryptedWith(keyB), "sys", "test"));
        assertThat(t).isInstanceOf(WrongKeyException.class).hasMessageContaining("not the key of the repository")
                .hasMessageContaining(EnvelopeEncryption.keyIdOf(KeyProvider.of(keyB, "b")))
                .hasMessageContaining(EnvelopeEncryption.keyIdOf(KeyProvider.of(keyA, "a")));
        assertThat(t.getMessage()).doesNotContain(keyA.reveal()).doesNotContain(keyB.reveal());
        assertThat(filesUnder(dir.resolve("repo"))).isEqualTo(before);
        assertThat(Files.readString(dir.resolve("repo/repository.json"))).isEqualTo(descriptor);
    }

    @Test
    void aWrongKeyWithAForgedKeyIdFailsOnUnwrappingTheKeyset() throws Exception {
        try (Repository repo = Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test")) {
            repo.write("obj", new ByteArrayInputStream(new byte[] {1}));
        }
        // someone edits the key id to match key B: the keyset still cannot be unwrapped
        Path json = dir.resolve("repo/repository.json");
        String idA = EnvelopeEncryption.keyIdOf(KeyProvider.of(keyA, "a"));
        String idB = EnvelopeEncryption.keyIdOf(KeyProvider.of(keyB, "b"));
        Files.writeString(json, Files.readString(json).replace(idA, idB));
        assertThatThrownBy(() -> Repository.open(target(), encryptedWith(keyB)))
                .isInstanceOf(WrongKeyException.class).hasMessageContaining("cannot decrypt the data keyset")
                .hasMessageContaining("test key");
    }

    @Test
    void anEncryptedRepositoryWithoutAKeyIsRefused() {
        Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test").close();
        assertThatThrownBy(() -> Repository.open(target(), RepositoryOptions.DEFAULT))
                .isInstanceOf(WrongKeyException.class).hasMessageContaining("encrypted but no key");
    }

    @Test
    void aKeyForAnUnencryptedRepositoryIsRefusedRatherThanLosingTheDataKey() {
        Repository.openOrInit(target(), RepositoryOptions.DEFAULT, "sys", "test").close();
        assertThatThrownBy(() -> Repository.open(target(), encryptedWith(keyA)))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("not encrypted");
    }

    @Test
    void rotationRewrapsTheKeysetWithoutRewritingData() throws Exception {
        byte[] data = Payloads.text(2, 300_000);
        StoredObject o;
        try (Repository repo = Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test")) {
            o = repo.write("backups/b1/data/x", new ByteArrayInputStream(data));
        }
        Path object = dir.resolve("repo").resolve(o.key());
        byte[] ciphertext = Files.readAllBytes(object);
        var modified = Files.getLastModifiedTime(object);

        RepositoryDescriptor rotated = Repository.rotateKey(target(), KeyProvider.of(keyA, "old"),
                KeyProvider.of(keyB, "new"));
        assertThat(rotated.encryption()).containsEntry("keyId", EnvelopeEncryption.keyIdOf(KeyProvider.of(keyB, "b")));
        assertThat(Files.readAllBytes(object)).as("data objects untouched").isEqualTo(ciphertext);
        assertThat(Files.getLastModifiedTime(object)).isEqualTo(modified);

        try (Repository repo = Repository.open(target(), encryptedWith(keyB)); InputStream in = repo.read(o)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> Repository.open(target(), encryptedWith(keyA)))
                .isInstanceOf(WrongKeyException.class);
        // rotating with a key that is not the current one changes nothing
        String json = Files.readString(dir.resolve("repo/repository.json"));
        assertThatThrownBy(() -> Repository.rotateKey(target(), KeyProvider.of(keyA, "stale"),
                KeyProvider.of(KeyProvider.generate(), "other"))).isInstanceOf(WrongKeyException.class);
        assertThat(Files.readString(dir.resolve("repo/repository.json"))).isEqualTo(json);
    }

    @Test
    void newObjectsAfterRotationUseTheSameDataKeyset() throws Exception {
        Repository.openOrInit(target(), encryptedWith(keyA), "sys", "test").close();
        Repository.rotateKey(target(), KeyProvider.of(keyA, "a"), KeyProvider.of(keyB, "b"));
        StoredObject o;
        try (Repository repo = Repository.open(target(), encryptedWith(keyB))) {
            o = repo.write("after", new ByteArrayInputStream(new byte[] {9, 8, 7}));
        }
        try (Repository repo = Repository.open(target(), encryptedWith(keyB)); InputStream in = repo.read(o)) {
            assertThat(in.readAllBytes()).containsExactly(9, 8, 7);
        }
    }

    @Test
    void keyProvidersReadEnvironmentAndFilesAndNeverShowTheKey() throws Exception {
        String b64 = keyA.reveal();
        KeyProvider env = KeyProvider.fromEnvironment("DR_REPOSITORY_KEY", Map.of("DR_REPOSITORY_KEY", b64 + "\n"));
        Path textFile = dir.resolve("key.txt");
        Files.writeString(textFile, b64 + "\n");
        Path rawFile = dir.resolve("key.bin");
        Files.write(rawFile, java.util.Base64.getDecoder().decode(b64));
        KeyProvider text = KeyProvider.fromFile(textFile);
        KeyProvider raw = KeyProvider.fromFile(rawFile);
        String id = EnvelopeEncryption.keyIdOf(KeyProvider.of(keyA, "a"));
        for (KeyProvider p : List.of(env, text, raw)) {
            assertThat(EnvelopeEncryption.keyIdOf(p)).as(p.describe()).isEqualTo(id);
            assertThat(p.toString()).doesNotContain(b64);
            assertThat(EnvelopeEncryption.with(p).toString()).doesNotContain(b64);
        }
        assertThat(env.describe()).isEqualTo("environment variable DR_REPOSITORY_KEY");
        assertThat(text.describe()).contains(textFile.toString());
    }

    @Test
    void keyProvidersFromConfigurationPreferTheKeyFile() throws Exception {
        Path file = dir.resolve("k");
        Files.writeString(file, keyA.reveal());
        KeyProvider fromFile = KeyProvider.fromConfig(ProviderConfig.of(Map.of("dr.repository.key-file", file.toString(),
                "dr.repository.key", keyB.reveal())));
        assertThat(EnvelopeEncryption.keyIdOf(fromFile)).isEqualTo(EnvelopeEncryption.keyIdOf(KeyProvider.of(keyA, "a")));
        KeyProvider fromEnv = KeyProvider.fromConfig(ProviderConfig.from(new java.util.Properties(),
                Map.of("DR_REPOSITORY_KEY", keyB.reveal())));
        assertThat(EnvelopeEncryption.keyIdOf(fromEnv)).isEqualTo(EnvelopeEncryption.keyIdOf(KeyProvider.of(keyB, "b")));
        assertThat(KeyProvider.fromConfig(ProviderConfig.empty())).isNull();
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() throws Exception {
        String shortKey = java.util.Base64.getEncoder().encodeToString("too short secret".getBytes());
        String notBase64 = "this is a passphrase, not a key!";
        for (String bad : List.of(shortKey, notBase64, "  ")) {
            Throwable t = catchThrowable(() -> EnvelopeEncryption.with(
                    KeyProvider.fromEnvironment("DR_REPOSITORY_KEY", Map.of("DR_REPOSITORY_KEY", bad))));
            assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("DR_REPOSITORY_KEY")
                    .hasMessageContaining("openssl rand -base64 32");
            if (!bad.isBlank()) {
                assertThat(t.getMessage()).doesNotContain(bad.strip());
            }
        }
        assertThatThrownBy(() -> KeyProvider.fromEnvironment("NOPE_NOT_SET", Map.of()).keyMaterial())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("NOPE_NOT_SET");
        assertThatThrownBy(() -> KeyProvider.fromFile(dir.resolve("missing.key")).keyMaterial())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("missing.key");
    }
}
