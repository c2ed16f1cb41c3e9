package io.dr4j.storage.s3;

import java.util.List;

import org.jspecify.annotations.Nullable;

import software.amazon.awssdk.services.s3.model.CompletedPart;

/** The ETags S3 computes, to recognise an object as the one this process wrote. */
final class S3Etags {
    private S3Etags() {
    }

    static String md5Hex(byte[] data, int off, int len) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
            md.update(data, off, len);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ETag S3 gives a multipart object: MD5 of the parts' binary MD5s, "-" and the part count. */
    static @Nullable String multipart(List<CompletedPart> done) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
            for (CompletedPart p : done) {
                String etag = p.eTag() == null ? "" : p.eTag().replace("\"", "");
                if (etag.length() != 32) {
                    return null; // not an MD5 (SSE-KMS, some compatible stores): cannot tell
                }
                md.update(java.util.HexFormat.of().parseHex(etag));
            }
            return "\"" + java.util.HexFormat.of().formatHex(md.digest()) + "-" + done.size() + "\"";
        } catch (java.security.NoSuchAlgorithmException | IllegalArgumentException e) {
            return null;
        }
    }
}
