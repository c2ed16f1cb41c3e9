package io.dr4j.core.codec;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * The codec pipeline of a repository: original bytes → SHA-256 and size → compression → encryption (optional) →
 * the store. Everything streams; memory per stream is the compressor's window plus one encryption segment.
 */
public final class Codec {
    private final CodecSpec spec;
    private final @Nullable ObjectEncryption encryption;

    public Codec(CodecSpec spec, @Nullable ObjectEncryption encryption) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.encryption = encryption;
    }

    public static Codec of(CodecSpec spec) {
        return new Codec(spec, null);
    }

    public CodecSpec spec() {
        return spec;
    }

    public @Nullable ObjectEncryption encryption() {
        return encryption;
    }

    /** The format new objects are written in. */
    public ObjectFormat format() {
        return new ObjectFormat(spec.compression(), encryption != null);
    }

    /**
     * Encodes into {@code sink}. Closing the encoder finishes every layer and flushes, but does not close
     * {@code sink} (so that a store writer can still be committed or aborted).
     *
     * @param objectKey the key the object is stored under (authenticated with the ciphertext)
     */
    public EncodingOutputStream encoder(OutputStream sink, String objectKey) throws IOException {
        CountingOutputStream stored = new CountingOutputStream(new NonClosingOutputStream(sink));
        OutputStream out = stored;
        if (encryption != null) {
            out = encryption.encrypt(out, aad(objectKey));
        }
        out = compress(out, spec);
        return new EncodingOutputStream(out, stored);
    }

    /**
     * Decodes an object whose format is given by its key's extension.
     *
     * @param source    the stored bytes
     * @param objectKey the object's key
     */
    public InputStream decoder(InputStream source, String objectKey) throws IOException {
        ObjectFormat format = ObjectFormat.fromKey(objectKey);
        InputStream in = source;
        if (format.encrypted()) {
            if (encryption == null) {
                source.close();
                throw new WrongKeyException("Object " + objectKey + " is encrypted but no encryption key is configured. "
                        + "Configure the repository key (dr.repository.key-file or DR_REPOSITORY_KEY)", null);
            }
            in = encryption.decrypt(in, aad(objectKey), objectKey);
            return new IntegrityUnwrapping(decompress(in, format.compression()));
        }
        return decompress(in, format.compression());
    }

    /**
     * Some decompressors (lz4) wrap an exception of the stream below them in their own IOException: surface the
     * decryption's {@link IntegrityException}, which names the object, instead.
     */
    private static final class IntegrityUnwrapping extends java.io.FilterInputStream {
        IntegrityUnwrapping(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw unwrap(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw unwrap(e);
            }
        }

        private static IOException unwrap(IOException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IntegrityException ie) {
                    throw ie;
                }
            }
            return e;
        }
    }

    /**
     * Decodes and verifies: at end of stream, the size and SHA-256 of the decoded bytes must equal the expected ones,
     * else the read fails with {@link IntegrityException} naming the object.
     */
    public InputStream verifyingDecoder(InputStream source, String objectKey, @Nullable String expectedSha256,
                                        long expectedSize) throws IOException {
        return verifyingDecoder(source, objectKey, expectedSha256, null, expectedSize);
    }

    /**
     * Decodes and verifies as {@link #verifyingDecoder(InputStream, String, String, long)}, checking the CRC-32C
     * instead of the SHA-256 when {@code expectedCrc32c} is not null (see {@link VerifyingInputStream}).
     */
    public InputStream verifyingDecoder(InputStream source, String objectKey, @Nullable String expectedSha256,
                                        @Nullable String expectedCrc32c, long expectedSize) throws IOException {
        return new VerifyingInputStream(decoder(source, objectKey), objectKey, expectedSha256, expectedCrc32c,
                expectedSize);
    }

    static byte[] aad(String objectKey) {
        return ("dr4j:" + objectKey).getBytes(StandardCharsets.UTF_8);
    }

    /** Wraps {@code out} with a compressor; closing the result finishes the frame and closes {@code out}. */
    public static OutputStream compress(OutputStream out, CodecSpec spec) throws IOException {
        return switch (spec.compression()) {
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE);
                z.setLevel(spec.level());
                z.setChecksum(true);
                if (spec.workers() > 0) {
                    z.setWorkers(spec.workers());
                }
                yield z;
            }
            case GZIP -> new GZIPOutputStream(out, 64 * 1024) {
                {
                    def.setLevel(spec.level() == 0 ? Deflater.DEFAULT_COMPRESSION : spec.level());
                }
            };
            case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB);
            case NONE -> new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
        };
    }

    /** Wraps {@code in} with a decompressor. */
    public static InputStream decompress(InputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case ZSTD -> new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE).setContinuous(false);
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case LZ4 -> new LZ4FrameInputStream(in);
            case NONE -> in;
        };
    }

    /** Keeps a sink open when the pipeline above it is closed. */
    private static final class NonClosingOutputStream extends FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
