package io.dr4j.core.codec;

/**
 * What an encoder wrote.
 *
 * @param sha256     SHA-256 of the original bytes, lower-case hex
 * @param size       original size
 * @param storedSize size after compression and encryption
 */
public record EncodedResult(String sha256, long size, long storedSize) {
}
