package io.dr4j.core.internal.json;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapper of dr4j: ISO-8601 times, strict about duplicate keys, bounded against hostile input
 * (nesting depth, string and document length). Internal.
 */
public final class Json {
    /** The largest JSON document dr4j reads (a manifest of ~1 million files). */
    public static final long MAX_DOCUMENT_BYTES = 512L * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(1 << 20)
                            .maxNumberLength(64)
                            .maxDocumentLength(MAX_DOCUMENT_BYTES)
                            .build())
                    .build())
            .addModule(new JavaTimeModule())
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("dr4j-instants")
                    .addDeserializer(java.time.Instant.class, new IsoInstantDeserializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("Could not serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Reads one document; a {@code null} document is refused like any other malformed one (never returns null). */
    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        return nonNull(MAPPER.readValue(in, type), type);
    }

    /**
     * Reads one document without one property of its top-level object, which is skipped token by token (nothing of it
     * is built): the {@code files} of a manifest when only its other fields are wanted.
     */
    public static <T> T readWithout(InputStream in, Class<T> type, String property) throws IOException {
        TokenFilter skip = new TokenFilter() {
            @Override
            public TokenFilter includeProperty(String name) {
                return name.equals(property) ? null : TokenFilter.INCLUDE_ALL;
            }
        };
        try (JsonParser p = new FilteringParserDelegate(MAPPER.createParser(in), skip,
                TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            return nonNull(MAPPER.readValue(p, type), type);
        }
    }

    public static <T> T read(byte[] in, Class<T> type) throws IOException {
        return nonNull(MAPPER.readValue(in, type), type);
    }

    private static <T> T nonNull(@org.jspecify.annotations.Nullable T value, Class<T> type) throws IOException {
        if (value == null) {
            throw new IOException("JSON document is 'null' where a " + type.getSimpleName() + " object was expected");
        }
        return value;
    }
}
