package dev.lanyard;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * For a request property that may be left out, its value then kept, but not given as {@code null}: with
 * {@code @JsonDeserialize(using = NullRefused.class)} a {@code null} is refused (400, naming the property) instead
 * of being read as left out, which kept the old value while the client asked to clear it. The value itself is read
 * as the property's type is read everywhere else.
 */
public final class NullRefused extends ValueDeserializer<Object> {
    private final ValueDeserializer<Object> value;

    public NullRefused() {
        this(null);
    }

    private NullRefused(ValueDeserializer<Object> value) {
        this.value = value;
    }

    @Override
    public ValueDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) {
        // The type's own reader, not the property's (which is this one).
        return new NullRefused(context.findRootValueDeserializer(property.getType()));
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext context) {
        return value.deserialize(p, context);
    }

    @Override
    public Object getNullValue(DeserializationContext context) {
        throw new Given(context.getParser());
    }

    @Override
    public Object getAbsentValue(DeserializationContext context) {
        return null;
    }

    /** A {@code null} given for such a property; the error advice names it. */
    public static final class Given extends MismatchedInputException {
        Given(JsonParser p) {
            super(p, "null given for a property that may only be left out", Object.class);
        }
    }
}
