package dev.lanyard;

import java.util.List;

/**
 * A refusal as it names the fields at fault: one entry when one field is (or none is: an empty {@link FieldError#field}),
 * one per field, in the form's order, when its rules were all checked before it was refused ({@link InputErrors}). The
 * API lists them as the problem's {@code errors}, the pages next to each field ({@link FormErrors}).
 */
public interface FieldErrors {
    /** One field's refusal: the field as the API names it ({@code rememberedDays}), and its message. */
    record FieldError(String field, String message) {
        public FieldError {
            field = field == null ? "" : field;
        }
    }

    /** Each field at fault with its message, in the form's order. */
    List<FieldError> fieldErrors();

    /** The message of a refusal of several fields, for a client that reads only {@code detail}: each one's, in order. */
    static String detail(List<FieldError> each) {
        return String.join(" ", each.stream().map(FieldError::message).toList());
    }
}
