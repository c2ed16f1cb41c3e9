package io.dr4j.core.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;

/** The repository key from a file: base64 text of 32 bytes, or exactly 32 raw bytes. */
final class FileKeyProvider implements KeyProvider {
    private final Path file;

    FileKeyProvider(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    @Override
    public String describe() {
        return "key file " + file;
    }

    @Override
    public byte[] keyMaterial() {
        byte[] content;
        try {
            if (Files.size(file) > 4096) {
                throw new ConfigurationException("The key file " + file + " is larger than 4 KiB; it is not a key file. "
                        + KeyMaterial.HINT);
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("The key file " + file + " does not exist. Point dr.repository.key-file "
                    + "at the repository's key file. " + KeyMaterial.HINT);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the key file " + file + ": " + e.getClass().getSimpleName()
                    + ". Check its permissions (it should be readable only by the user running dr4j)");
        }
        if (content.length == KeyMaterial.LENGTH && !isBase64Text(content)) {
            return content;
        }
        return KeyMaterial.decode(content, describe());
    }

    private static boolean isBase64Text(byte[] b) {
        for (byte x : b) {
            boolean ok = (x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') || x == '+'
                    || x == '/' || x == '=' || x == '-' || x == '_' || x == '\n' || x == '\r' || x == ' ';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "KeyProvider[" + describe() + "]";
    }
}
