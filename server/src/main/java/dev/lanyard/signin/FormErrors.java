package dev.lanyard.signin;

import java.util.LinkedHashSet;
import java.util.List;

import dev.lanyard.account.AccountProblem;
import org.springframework.ui.Model;

/**
 * A refused form's problem as its page shows it (the {@code form-errors} fragment): every message when several
 * fields are at fault, each of them marked {@code aria-invalid}.
 */
final class FormErrors {
    private FormErrors() {
    }

    static void add(Model model, AccountProblem problem) {
        List<? extends AccountProblem> each = problem instanceof AccountProblem.InvalidInput invalid ? invalid.all() : List.of(problem);
        model.addAttribute("error", problem.getMessage());
        model.addAttribute("errors", each.stream().map(AccountProblem::getMessage).toList());
        LinkedHashSet<String> fields = new LinkedHashSet<>();
        each.forEach(p -> {
            if (!p.field().isEmpty()) fields.add(p.field());
        });
        model.addAttribute("errorFields", fields);
    }

    /**
     * What was typed in a field, to show it again in the refused form; empty when it holds a control character
     * ({@link dev.lanyard.ControlCharacters}), which the form says and which is not written back into the page.
     */
    static String kept(String typed) {
        return dev.lanyard.ControlCharacters.refused(typed, true) ? "" : typed;
    }
}
