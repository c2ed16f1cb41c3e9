package io.dr4j.core.codec;

/**
 * What an encoder wrote.
 *
 * @param sha256     SHA-256 of the original bytes, lower-case hex
 * @param crc32c     CRC-32C of the original bytes, 8 lower-case hex digits (what a restore checks, see
 *                   {@link VerifyingInputStream})
 * @param size       original size
 * @param storedSize size after compression and encryption
 */
public record EncodedResult(String sha256, String crc32c, long size, long storedSize) {
}
