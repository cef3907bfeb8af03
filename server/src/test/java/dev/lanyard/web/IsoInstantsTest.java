package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

@LanyardSpringTest
class IsoInstantsTest {
    @Autowired
    JsonMapper lanyard;

    @Test
    void writesWhatInstantToStringWrites() {
        long first = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
        long last = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400 + 86_399;
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 999_999_999),
                Instant.ofEpochSecond(first), Instant.ofEpochSecond(first - 1), Instant.ofEpochSecond(last, 999_999_999),
                Instant.ofEpochSecond(last + 1), Instant.MIN, Instant.MAX, Instant.parse("2024-02-29T23:59:59.5Z"),
                Instant.parse("2026-12-02T23:51:25.000001Z"), Instant.parse("2026-12-02T23:51:25.000000001Z"),
                Instant.parse("2026-12-02T23:51:25.100Z"), Instant.parse("2026-12-02T23:51:25.123456789Z"));
        for (Instant instant : edges) assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());

        SplittableRandom random = new SplittableRandom(13);
        int[] units = {1, 1_000, 1_000_000, 1_000_000_000};
        for (int i = 0; i < 200_000; i++) {
            int unit = units[random.nextInt(units.length)];
            Instant instant = Instant.ofEpochSecond(random.nextLong(first - 86_400, last + 86_400),
                    unit == 1_000_000_000 ? 0 : random.nextInt(1_000_000_000 / unit) * unit);
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
        }
    }

    record Body(Instant created, Instant ended, List<Instant> seen) {}

    record Formatted(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant number, @JsonFormat(pattern = "yyyy-MM-dd", timezone = "UTC") Instant day) {}

    @Test
    void lanyardsJsonWritesInstantsAsJacksonDoes() {
        JsonMapper jackson = JsonMapper.builder().build();
        for (String text : new String[] {"2026-12-02T23:51:25Z", "2026-12-02T23:51:25.120Z", "1969-12-31T23:59:59.999999Z", "+10000-01-01T00:00:00Z"}) {
            Body body = new Body(Instant.parse(text), null, List.of(Instant.parse(text), Instant.EPOCH));
            assertThat(lanyard.writeValueAsString(body)).isEqualTo(jackson.writeValueAsString(body));
            assertThat(lanyard.writeValueAsString(Instant.parse(text))).isEqualTo(jackson.writeValueAsString(Instant.parse(text)));
        }
        assertThat(lanyard.writeValueAsString(Instant.parse("2026-12-02T23:51:25.120Z"))).isEqualTo("\"2026-12-02T23:51:25.120Z\"");
        assertThat(lanyard._serializationContext().findTypedValueSerializer(Instant.class, true)).isInstanceOf(IsoInstants.Serializer.class);
        assertThat(lanyard._serializationContext().findPrimaryPropertySerializer(Instant.class, null)).isInstanceOf(IsoInstants.Serializer.class);

        Formatted formatted = new Formatted(Instant.parse("2026-12-02T23:51:25.5Z"), Instant.parse("2026-12-02T23:51:25Z"));
        assertThat(lanyard.writeValueAsString(formatted)).isEqualTo(jackson.writeValueAsString(formatted)).isEqualTo("{\"number\":1796255485.500000000,\"day\":\"2026-12-02\"}");
        JsonMapper timestamps = lanyard.rebuild().enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        assertThat(timestamps.writeValueAsString(new Body(Instant.EPOCH, null, List.of())))
                .isEqualTo(jackson.rebuild().enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build().writeValueAsString(new Body(Instant.EPOCH, null, List.of())));
    }
}
