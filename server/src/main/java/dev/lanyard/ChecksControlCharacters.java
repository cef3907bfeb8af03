package dev.lanyard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request whose fields are checked all together, the {@link ControlCharacters} rule among their other rules, so that
 * its refusal names every field at fault: a control character in one field no longer hides the others' errors
 * (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md, last addendum). The web layer refuses a control
 * character everywhere else before any handler runs; here it lets it through to the rules that check it.
 * <ul>
 * <li>On a request body record: its strings are read without the JSON reader's refusal.</li>
 * <li>On a page handler: the form fields of {@link #value()}, and only those, reach it with their control
 * characters. The path, the query string and any other field are refused as everywhere.</li>
 * </ul>
 * Every field so let through must be checked with {@link ControlCharacters#refusal} before anything reads it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ChecksControlCharacters {
    /** On a page handler: the form fields it checks. */
    String[] value() default {};
}
