package dev.lanyard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a request body: it may also carry the properties of {@link #value()}, the resource as the API shows it,
 * that the request does not define (ids, times, computed values), and they are ignored. A client that reads a
 * resource, edits the answer and sends it back is not refused for what it could not change
 * (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md). Any other property the request does not
 * define is refused (400, naming it). {@code value()} must be a record.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface IgnoresReadOnlyOf {
    Class<? extends Record> value();
}
