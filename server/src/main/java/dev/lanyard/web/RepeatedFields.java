package dev.lanyard.web;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;

/**
 * A page's field that its handler reads as one value, sent more than once, is refused before the handler runs: 400 with
 * the error page naming the field, and nothing done (outside review). Spring MVC joined the values with a comma for a
 * text ({@code name=first&name=second} renamed a session "first,second", an app registered as "RepTest,Second", and a
 * field given in the address and in the form alike was joined the same way) and took the first for anything else.
 *
 * <p>Which fields are read as one value is taken from the handler itself, not from a list kept by hand: each
 * {@code @RequestParam} that is not a list, a set or an array, and each such component of a record the handler binds
 * from the request ({@code AuditFilters}). The fields a form repeats on purpose (the sessions ticked to sign out, an
 * app's or a key's scopes) are read as lists, and pass. A converter of {@code String[]} to {@code String} that refused
 * several values would not do: when a conversion fails, Spring's {@code TypeConverterDelegate} falls back to joining
 * them with a comma itself. A field named {@code name[]} is no field at all, not a second {@code name}: it is taken
 * out of the request before any handler sees it ({@link BracketedNames}).
 *
 * <p>Pages only. The API refuses a repeated query parameter on its own ({@link ApiQueryParameters}) and reads JSON
 * bodies ({@link StrictJson}); a Shared Signals receiver is authenticated before any of its parameters is looked at.
 */
final class RepeatedFields {
    private final Map<Method, List<String>> readOnce = new ConcurrentHashMap<>();

    /** The first field {@code handler} reads as one value that {@code request} gives more than once, if it is a page's. */
    Optional<String> repeated(HandlerMethod handler, HttpServletRequest request) {
        if (AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), ResponseBody.class)) return Optional.empty();
        for (String name : readOnce.computeIfAbsent(handler.getMethod(), RepeatedFields::readOnce)) {
            String[] values = request.getParameterValues(name);
            if (values != null && values.length > 1) return Optional.of(name);
        }
        return Optional.empty();
    }

    /** The names of the request parameters {@code method} binds to a single value, in the order it declares them. */
    static List<String> readOnce(Method method) {
        List<String> names = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            RequestParam param = parameter.getAnnotation(RequestParam.class);
            if (param != null) {
                String name = !param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value() : parameter.getName();
                if (single(parameter.getType())) names.add(name);
            } else if (parameter.getType().isRecord()
                    && (parameter.getAnnotations().length == 0 || parameter.isAnnotationPresent(ModelAttribute.class))) {
                for (RecordComponent component : parameter.getType().getRecordComponents()) {
                    if (single(component.getType())) names.add(component.getName());
                }
            }
        }
        return List.copyOf(names);
    }

    private static boolean single(Class<?> type) {
        return !type.isArray() && !Collection.class.isAssignableFrom(type) && !Map.class.isAssignableFrom(type);
    }

    /** A page's field sent more than once. */
    static final class Refused extends dev.lanyard.Problem {
        Refused(String field) {
            super("invalid-parameter", 400, "'" + field + "' is given more than once.", field);
        }

        @Override
        public String pageMessage() {
            return "The field “" + field() + "” was sent more than once (in the form, or in the form and the address of the page). "
                    + "Lanyard takes it once, so nothing was done. Go back, reload the page and try again.";
        }
    }
}
