package dev.lanyard.settings;

import java.util.Optional;

import dev.lanyard.session.CurrentSession;
import org.springframework.ui.Model;

/**
 * One section of {@code /settings/security}. The page renders the fragment {@code section} of
 * {@link #template()} for every section, in {@link #order()}, after each added what it shows to the model
 * under names of its own.
 */
public interface SecuritySection {

    /** Where the section sits on the page: lower first. */
    int order();

    /** The template holding the section's {@code th:fragment="section"}, such as {@code "security/password"}. */
    String template();

    /** Adds what the section shows this member to the model. */
    void describe(CurrentSession current, Model model);

    /** The confirmation shown after one of this section's actions redirected with {@code ?done=code}. */
    default Optional<String> notice(String code) {
        return Optional.empty();
    }
}
