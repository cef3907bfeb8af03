package dev.lanyard.web;

import java.time.Instant;
import java.time.LocalDate;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import com.fasterxml.jackson.annotation.JsonFormat;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.ext.javatime.ser.InstantSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdScalarSerializer;

/**
 * Instants in JSON are written exactly as before ({@link Instant#toString()}, ISO-8601 in UTC:
 * {@code 2026-12-02T23:51:25.123Z}), without going through {@code DateTimeFormatter}: Jackson's
 * own serializer formats each one with the general formatter, and the three or four instants of a
 * session's JSON were about a fifth of the cost of writing it (issue 13). Years 0000 to 9999 are
 * written here; any other instant, timestamps, and an instant whose property asks for another format
 * are left to Jackson's serializer. {@code IsoInstantsTest} checks that both agree and that this one
 * is the one Lanyard's JSON uses.
 */
@Configuration(proxyBeanMethods = false)
class IsoInstants {
    private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    @Bean
    JsonMapperBuilderCustomizer instantsAsIsoText() {
        return builder -> builder.addModule(new SimpleModule("lanyard-iso-instants").addSerializer(Instant.class, new Serializer()));
    }

    /** The same text as {@link Instant#toString()}. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400);
        if (day < FIRST_DAY || day > LAST_DAY) return instant.toString();
        LocalDate date = LocalDate.ofEpochDay(day);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nano = instant.getNano();
        char[] text = new char[30];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        int end = 19;
        if (nano != 0) {
            text[end++] = '.';
            // As many digits as needed, in groups of three, as DateTimeFormatter.ISO_INSTANT writes them.
            if (nano % 1_000_000 == 0) {
                digits(text, end, nano / 1_000_000, 3);
                end += 3;
            } else if (nano % 1_000 == 0) {
                digits(text, end, nano / 1_000, 6);
                end += 6;
            } else {
                digits(text, end, nano, 9);
                end += 9;
            }
        }
        text[end++] = 'Z';
        return new String(text, 0, end);
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Writes an instant as {@link #format}, unless timestamps are asked for
     * ({@code WRITE_DATES_AS_TIMESTAMPS}) or a property has a format of its own ({@code @JsonFormat}
     * or a configured override): those go to Jackson's serializer, which knows them.
     */
    static final class Serializer extends StdScalarSerializer<Instant> {
        Serializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializationContext context) {
            if (context.isEnabled(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)) InstantSerializer.INSTANCE.serialize(value, generator, context);
            else generator.writeString(format(value));
        }

        @Override
        public ValueSerializer<?> createContextual(SerializationContext context, BeanProperty property) {
            JsonFormat.Value format = findFormatOverrides(context, property, handledType());
            return format == null || format.equals(JsonFormat.Value.empty()) ? this : InstantSerializer.INSTANCE.createContextual(context, property);
        }
    }
}
