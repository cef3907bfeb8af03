package dev.lanyard.web;

import java.beans.PropertyEditorSupport;

import dev.lanyard.DecimalNumbers;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * The query parameters the API and the pages read as numbers ({@code limit} of every list, {@code since} of the
 * sessions page's refresh) are plain decimal numbers: digits, a minus sign at most in front. Spring's conversion read
 * them as Java source does ({@code NumberUtils.parseNumber}): {@code ?limit=0x10} or {@code #10} was 16, {@code +1}
 * and {@code " 1 "} were 1, and {@code 99999999999}, too large for an {@code int}, was "not valid" where {@code 0} and
 * {@code -1} were "between 1 and 100" (outside review). Now anything else is not a number ({@link ErrorAdvice}'s
 * "must be a whole number"), and a number past what its type holds is read as the type's largest (or smallest), so the
 * endpoint's own range check says what it says of any other number out of range. Pages' number fields are read by the
 * same rule ({@link DecimalNumbers}).
 *
 * <p>Named parameters only: a binder per {@code @RequestParam} is named after it, so no form's binding changes.
 */
@ControllerAdvice
class QueryNumbers {

    @InitBinder({"limit", "since"})
    void plainDecimal(WebDataBinder binder) {
        binder.registerCustomEditor(int.class, new Decimal(Integer.MIN_VALUE, Integer.MAX_VALUE, false));
        binder.registerCustomEditor(Integer.class, new Decimal(Integer.MIN_VALUE, Integer.MAX_VALUE, true));
        binder.registerCustomEditor(long.class, new Decimal(Long.MIN_VALUE, Long.MAX_VALUE, false));
        binder.registerCustomEditor(Long.class, new Decimal(Long.MIN_VALUE, Long.MAX_VALUE, true));
    }

    /** A decimal number, held to {@code [min, max]}; an empty value is none where the parameter may be left out. */
    private static final class Decimal extends PropertyEditorSupport {
        private final long min;
        private final long max;
        private final boolean optional;

        Decimal(long min, long max, boolean optional) {
            this.min = min;
            this.max = max;
            this.optional = optional;
        }

        @Override
        public void setAsText(String text) {
            if (optional && (text == null || text.isEmpty())) {
                setValue(null);
                return;
            }
            long value = DecimalNumbers.parse(text).orElseThrow(() -> new IllegalArgumentException("Not a decimal number"));
            value = Math.max(min, Math.min(max, value));
            if (max == Integer.MAX_VALUE) setValue((int) value);
            else setValue(value);
        }
    }
}
