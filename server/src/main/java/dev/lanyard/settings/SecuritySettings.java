package dev.lanyard.settings;

import java.util.Comparator;
import java.util.List;

import dev.lanyard.session.CurrentSession;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.security.core.annotation.AuthenticationPrincipal;

/**
 * {@code /settings/security}. A section's own controller renders the page again through {@link #page} when
 * one of its forms was refused, after adding its error to the model, so the member sees the message next to
 * the form they used.
 */
@Controller
public class SecuritySettings {
    private final List<SecuritySection> sections;

    SecuritySettings(List<SecuritySection> sections) {
        this.sections = sections.stream().sorted(Comparator.comparingInt(SecuritySection::order)).toList();
    }

    @GetMapping("/settings/security")
    String show(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String done, Model model) {
        if (done != null) {
            sections.stream().flatMap(s -> s.notice(done).stream()).findFirst()
                    .ifPresent(notice -> model.addAttribute("done", notice));
        }
        return page(current, model);
    }

    /** Fills the model with every section and returns the page's view name. */
    public String page(CurrentSession current, Model model) {
        for (SecuritySection section : sections) section.describe(current, model);
        model.addAttribute("sections", sections.stream().map(SecuritySection::template).toList());
        model.addAttribute("account", current.account());
        return "settings/security";
    }
}
