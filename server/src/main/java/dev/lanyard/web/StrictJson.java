package dev.lanyard.web;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.Nulls;
import dev.lanyard.ChecksControlCharacters;
import dev.lanyard.ControlCharacters;
import dev.lanyard.IgnoresReadOnlyOf;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactoryBuilder;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.PropertyName;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read strictly (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md):
 * a value of the wrong JSON type is refused instead of converted ({@code -1} is not {@code true},
 * {@code 5} is not {@code "5"}, {@code "5"} is not {@code 5}), a key given twice is refused instead
 * of the last one winning, and a string with a control character is refused. A property a request body does
 * not define is refused too, so that a misspelt key is not read as left out ({@link RequestBodies}); a body
 * may carry back the read-only properties of the resource it changes ({@link IgnoresReadOnlyOf}). The errors
 * name the field ({@link ErrorAdvice}).
 */
@Configuration(proxyBeanMethods = false)
class StrictJson implements WebMvcConfigurer {
    /** Deeper than any JSON Lanyard reads (its requests nest three levels, stored grants a few more). */
    static final int MAX_NESTING = 64;

    /**
     * The parser's own limits, a second line behind {@link BodyLimit}: no document, and so no string, longer than the
     * largest request body or Jackson's own string limit (20 MB), whichever is larger, and no nesting past
     * {@value #MAX_NESTING}. They hold for everything Boot's mapper reads, stored JSON too (grants, stream
     * configurations, passkeys), which a small {@code lanyard.web.max-body-size} must not make unreadable. Applied
     * after Boot's own factory customizer, so they replace {@code spring.jackson.factory.constraints.read.*}.
     */
    @Bean
    JsonFactoryBuilderCustomizer readLimits(BodyLimitSettings limit) {
        return new ReadLimits(Math.max(limit.bytes(), StreamReadConstraints.DEFAULT_MAX_STRING_LEN));
    }

    record ReadLimits(long maxBytes) implements JsonFactoryBuilderCustomizer, Ordered {
        @Override
        public void customize(JsonFactoryBuilder builder) {
            builder.streamReadConstraints(constraints(maxBytes));
        }

        static StreamReadConstraints constraints(long maxBytes) {
            return StreamReadConstraints.builder()
                    .maxDocumentLength(maxBytes)
                    // A JSON string takes at least a byte per character, so none is longer than the document.
                    .maxStringLength((int) Math.min(maxBytes, Integer.MAX_VALUE))
                    .maxNestingDepth(MAX_NESTING)
                    .build();
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        return builder -> builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Enum, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                // [null] in a list of names or addresses is no name: refused, naming the field, not a NullPointerException later.
                .changeDefaultNullHandling(nulls -> nulls.withContentNulls(Nulls.FAIL))
                .addModule(new SimpleModule("lanyard-strict-strings")
                        .addDeserializer(String.class, new NoControlCharacters())
                        .addDeserializer(Instant.class, new IsoInstants())
                        .setDeserializerModifier(new ReadOnlyProperties()));
    }

    /** Spring MVC reads request bodies with {@link RequestBodies}: only there are unknown properties refused. */
    @Override
    @SuppressWarnings("deprecation")
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.replaceAll(c -> c.getClass() == JacksonJsonHttpMessageConverter.class
                ? new RequestBodies(((JacksonJsonHttpMessageConverter) c).getMapper()) : c);
    }

    /**
     * The API's JSON converter, with Boot's mapper, that refuses a property the request body does not define
     * (a misspelt {@code idleTimout} was read as left out, and the change silently dropped). Only request bodies
     * of Lanyard's controllers are read here; the mapper itself stays lenient for what else it reads (stored
     * stream configurations and grants, a receiver's answers), and Spring Authorization Server and the passkey
     * ceremonies read with converters and mappers of their own.
     */
    static final class RequestBodies extends JacksonJsonHttpMessageConverter {
        RequestBodies(JsonMapper mapper) {
            super(mapper);
        }

        /** The body checked as UTF-8 as it is read ({@link Utf8Body}), when it goes to Jackson as bytes; an object. */
        @Override
        public Object read(ResolvableType type, HttpInputMessage input, @Nullable Map<String, Object> hints) throws java.io.IOException {
            return object(super.read(type, utf8Checked(input), hints), input);
        }

        @Override
        protected Object readInternal(Class<?> type, HttpInputMessage input) throws java.io.IOException {
            return object(super.readInternal(type, utf8Checked(input)), input);
        }

        /**
         * The body read, which is an object: JSON's {@code null} as the whole body is read as no value, which Spring
         * would call a missing body.
         */
        private static Object object(@Nullable Object body, HttpInputMessage input) {
            if (body == null) throw new NotAnObject(input);
            return body;
        }

        /**
         * The body Spring hands to Jackson as bytes (no charset, or a Unicode one), checked as UTF-8; with another charset
         * (ISO-8859-1) Spring decodes it with that charset's decoder, and an unknown charset is left to Spring's answer.
         */
        private HttpInputMessage utf8Checked(HttpInputMessage input) {
            try {
                if (!getCharset(input.getHeaders().getContentType()).name().startsWith("UTF-")) return input;
            } catch (IllegalArgumentException unknownCharset) {
                return input;
            }
            return new HttpInputMessage() {
                @Override
                public java.io.InputStream getBody() throws java.io.IOException {
                    return Utf8Body.of(input.getBody());
                }

                @Override
                public HttpHeaders getHeaders() {
                    return input.getHeaders();
                }
            };
        }

        /** Unknown properties refused; a {@link ChecksControlCharacters} body's control characters left to its own rules. */
        @Override
        protected ObjectReader customizeReader(ObjectReader reader, JavaType type) {
            ObjectReader strict = super.customizeReader(reader, type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            return type.getRawClass().isAnnotationPresent(ChecksControlCharacters.class)
                    ? strict.withAttribute(NoControlCharacters.CHECKED_BY_THE_REQUEST, Boolean.TRUE) : strict;
        }

        /**
         * Only a problem is labelled {@code application/problem+json}: a client that accepts nothing else gets what it
         * asked for as {@code application/json}, where its session or its new key was sent as if it were a problem.
         */
        @Override
        protected void addDefaultHeaders(HttpHeaders headers, Object body, MediaType contentType) throws java.io.IOException {
            boolean notAProblem = contentType != null && !(body instanceof ProblemDetail)
                    && MediaType.APPLICATION_PROBLEM_JSON.equalsTypeAndSubtype(contentType);
            super.addDefaultHeaders(headers, body, notAProblem ? MediaType.APPLICATION_JSON : contentType);
        }
    }

    /** A request body that is JSON's {@code null}, where every request body is an object ({@link ErrorAdvice} says so). */
    static final class NotAnObject extends org.springframework.http.converter.HttpMessageNotReadableException {
        NotAnObject(HttpInputMessage input) {
            super("The request body is null, not a JSON object", input);
        }
    }

    /** Makes the properties of an {@link IgnoresReadOnlyOf} representation that a request does not define ignorable. */
    static final class ReadOnlyProperties extends ValueDeserializerModifier {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier description,
                                                     BeanDeserializerBuilder builder) {
            IgnoresReadOnlyOf shown = description.getBeanClass().getAnnotation(IgnoresReadOnlyOf.class);
            if (shown == null) return builder;
            for (String name : names(shown.value())) {
                if (!builder.hasProperty(PropertyName.construct(name))) builder.addIgnorable(name);
            }
            return builder;
        }

        /** The JSON names of a record's components, as Jackson writes them. */
        static List<String> names(Class<? extends Record> representation) {
            List<String> names = new java.util.ArrayList<>();
            for (RecordComponent component : representation.getRecordComponents()) {
                JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
                if (renamed == null) renamed = component.getAnnotation(JsonProperty.class);
                names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName());
            }
            return names;
        }
    }

    /**
     * An instant is an ISO 8601 date and time with its offset ({@code 2027-01-01T00:00:00Z}), in the years 1970 to 9999:
     * not a number (JavaScript's milliseconds would be read as seconds, thousands of years away) and not a date past
     * what the database's milliseconds hold.
     */
    static final class IsoInstants extends ValueDeserializer<Instant> {
        private static final Instant FIRST = Instant.parse("1970-01-01T00:00:00Z");
        private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999Z");

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() != JsonToken.VALUE_STRING) throw new NotAnInstant(p);
            try {
                Instant instant = OffsetDateTime.parse(p.getString(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                if (instant.isBefore(FIRST) || instant.isAfter(LAST)) throw new NotAnInstant(p);
                return instant;
            } catch (DateTimeParseException e) {
                throw new NotAnInstant(p);
            }
        }
    }

    /** A value {@link IsoInstants} refuses; {@link ErrorAdvice} names its field. */
    static final class NotAnInstant extends MismatchedInputException {
        NotAnInstant(JsonParser p) {
            super(p, "Not an ISO 8601 instant of the years 1970 to 9999", Instant.class);
        }
    }

    /**
     * Jackson's own string reading (with the coercions above), then the control-character rule, unless the body being
     * read checks it itself with its other rules ({@link ChecksControlCharacters}: {@link #CHECKED_BY_THE_REQUEST}).
     */
    static final class NoControlCharacters extends StringDeserializer {
        /** Reader attribute: the request body's own rules refuse control characters, naming every field at fault. */
        static final String CHECKED_BY_THE_REQUEST = "lanyard.controlCharactersCheckedByTheRequest";

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = super.deserialize(p, ctxt);
            if (value != null && ctxt.getAttribute(CHECKED_BY_THE_REQUEST) == null && ControlCharacters.refused(value, true)) throw new ControlCharacterInJson(p, ControlCharacters.what(value, true));
            return value;
        }
    }

    /** A JSON string with a character {@link ControlCharacters} refuses; {@link ErrorAdvice} names its field. */
    static final class ControlCharacterInJson extends MismatchedInputException {
        /** What the string holds: "control characters", or half of a character. */
        final String what;

        ControlCharacterInJson(JsonParser p, String what) {
            super(p, "A string holds a control character", String.class);
            this.what = what;
        }
    }
}
