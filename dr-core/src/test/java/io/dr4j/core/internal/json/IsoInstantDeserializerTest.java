package io.dr4j.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import org.junit.jupiter.api.Test;

class IsoInstantDeserializerTest {
    /** Jackson's own reading of instants: what dr4j's mapper must agree with. */
    private static final ObjectMapper JACKSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    record Holder(Instant at) {
    }

    @Property(tries = 2000)
    void readsEveryUtcInstantOfFourDigitYearsAsInstantParseDoes(
            @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos, @ForAll @IntRange(min = 0, max = 9) int digits) {
        Instant t = Instant.ofEpochSecond(epochSecond, nanos);
        String text = t.toString().substring(0, 19) + fraction(nanos, digits) + "Z";
        assertThat(IsoInstantDeserializer.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }

    private static String fraction(int nanos, int digits) {
        return digits == 0 ? "" : "." + String.format("%09d", nanos).substring(0, digits);
    }

    @Test
    void leavesEveryOtherFormToJacksonsDeserializer() {
        for (String text : List.of("2026-11-26T15:46:32+01:00", "2026-11-26T15:46:32.5+00:00", "+10000-01-01T00:00:00Z",
                "2026-11-26T15:46:60Z", "2026-11-26T24:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T15:46:32.Z",
                "2026-11-26T15:46:32.1234567890Z", "2026-11-26 15:46:32Z", "2026-11-26T15:46Z", "2026-1-26T15:46:32Z",
                "2026-11-26T15:46:32z", "2026-11-26T15:4a:32Z", "")) {
            assertThat(IsoInstantDeserializer.parse(text)).as(text).isNull();
        }
    }

    @Test
    void theMapperReadsWhatJacksonReadsAndRefusesWhatItRefuses() throws Exception {
        for (String value : List.of("\"2026-11-26T15:46:32.039026038Z\"", "\"2026-11-26T15:46:32Z\"",
                "\"2026-11-26T16:46:32.5+01:00\"", "1764171992.039026038", "1764171992", "\"1970-01-01T00:00:00Z\"",
                "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"")) {
            byte[] json = ("{\"at\":" + value + "}").getBytes(StandardCharsets.UTF_8);
            assertThat(Json.read(json, Holder.class)).as(value).isEqualTo(JACKSON.readValue(json, Holder.class));
        }
        for (String value : List.of("\"2026-02-30T00:00:00Z\"", "\"yesterday\"", "\"2026-11-26T15:46:60Z\"", "true")) {
            byte[] json = ("{\"at\":" + value + "}").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> JACKSON.readValue(json, Holder.class)).as("Jackson, " + value)
                    .isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> Json.read(json, Holder.class)).as(value)
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("Instant");
        }
    }
}
