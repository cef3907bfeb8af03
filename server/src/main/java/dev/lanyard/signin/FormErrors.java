package dev.lanyard.signin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import dev.lanyard.account.AccountProblem;
import org.springframework.ui.Model;

/**
 * A refused form's problem as its page shows it (the {@code form-errors} fragment): every message when several
 * fields are at fault, each of them marked {@code aria-invalid}.
 */
final class FormErrors {
    /** The labels of the sign-up and join forms' fields, for messages that name a field as the API does ({@code 'name'}). */
    private static final Map<String, String> LABELS = Map.of("name", "Your name", "email", "Email", "password", "Password",
            "team", "Team name");

    private FormErrors() {
    }

    static void add(Model model, AccountProblem problem) {
        List<? extends AccountProblem> each = problem instanceof AccountProblem.InvalidInput invalid ? invalid.all() : List.of(problem);
        model.addAttribute("error", shown(problem));
        model.addAttribute("errors", each.stream().map(FormErrors::shown).toList());
        LinkedHashSet<String> fields = new LinkedHashSet<>();
        each.forEach(p -> {
            if (!p.field().isEmpty()) fields.add(p.field());
        });
        model.addAttribute("errorFields", fields);
    }

    /** The message as the page says it: a field named as the API names it ({@code 'name' cannot …}) by its label. */
    private static String shown(AccountProblem problem) {
        String message = problem.getMessage();
        String named = "'" + problem.field() + "' ";
        return message.startsWith(named) && LABELS.containsKey(problem.field())
                ? LABELS.get(problem.field()) + " " + message.substring(named.length()) : message;
    }

    /**
     * What was typed in a field, to show it again in the refused form; empty when it holds a control character
     * ({@link dev.lanyard.ControlCharacters}), which the form says and which is not written back into the page.
     */
    static String kept(String typed) {
        return dev.lanyard.ControlCharacters.refused(typed, true) ? "" : typed;
    }
}
