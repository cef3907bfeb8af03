package dev.lanyard;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.ui.Model;

/**
 * A refused form's problem as its page shows it: every message in the {@code form-errors} summary when several fields
 * are at fault ({@code error}, {@code errors}), and each field's own next to it ({@code fieldErrors}, by the field's
 * name, for the {@code field-error} fragment), the field marked {@code aria-invalid} ({@code errorFields}).
 */
public final class FormErrors {
    private FormErrors() {
    }

    /**
     * Adds the page's attributes for {@code problem}; {@code labels} name the form's fields as the page labels them, for
     * messages that name a field as the API does ({@code 'name' cannot …} is shown {@code Your name cannot …}).
     */
    public static void add(Model model, FieldErrors problem, Map<String, String> labels) {
        List<String> messages = problem.fieldErrors().stream().map(each -> shown(each, labels)).toList();
        Map<String, String> byField = new LinkedHashMap<>();
        for (FieldErrors.FieldError each : problem.fieldErrors()) {
            if (!each.field().isEmpty()) byField.merge(each.field(), shown(each, labels), (one, other) -> one + " " + other);
        }
        Set<String> fields = new LinkedHashSet<>(byField.keySet());
        model.addAttribute("error", String.join(" ", messages));
        model.addAttribute("errors", messages);
        model.addAttribute("fieldErrors", byField);
        model.addAttribute("errorFields", fields);
    }

    /**
     * Marks the one field at fault ({@code errorFields}) and puts {@code message} next to it ({@code fieldErrors}), on a
     * page whose summary says the message itself. {@code field} is named as the page's template asks for it (the
     * two-factor forms', {@code disable-code}, say which of the section's forms); empty marks none.
     */
    public static void field(Model model, String field, String message) {
        if (field == null || field.isEmpty()) return;
        model.addAttribute("fieldErrors", Map.of(field, message));
        model.addAttribute("errorFields", Set.of(field));
    }

    /** The message as the page says it: a field named as the API names it ({@code 'name' cannot …}) by its label. */
    private static String shown(FieldErrors.FieldError each, Map<String, String> labels) {
        String named = "'" + each.field() + "' ";
        return each.message().startsWith(named) && labels.containsKey(each.field())
                ? labels.get(each.field()) + " " + each.message().substring(named.length()) : each.message();
    }

    /**
     * What was typed in a field, to show it again in the refused form; empty when it holds a control character
     * ({@link ControlCharacters}), which the form says and which is not written back into the page.
     */
    public static String kept(String typed) {
        return ControlCharacters.refused(typed, true) ? "" : typed;
    }
}
