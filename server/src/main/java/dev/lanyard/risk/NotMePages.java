package dev.lanyard.risk;

import java.time.Clock;

import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.SessionView;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * {@code /not-me/{token}}: the page a sign-in alert's "This wasn't me" link opens, open to anyone
 * holding the link (signed in or not). One POST ends the session it names; then one more may end every
 * other session; then it leads to changing the password. Each POST redirects back to the page.
 */
@Controller
class NotMePages {
    private final NotMeLinks links;
    private final SessionSettings settings;
    private final Clock clock;

    NotMePages(NotMeLinks links, SessionSettings settings, Clock clock) {
        this.links = links;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/not-me/{token}")
    String page(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            return show(links.open(token), token, model);
        } catch (NotMeLinks.Unusable e) {
            return unusable(e, model, response);
        }
    }

    @PostMapping("/not-me/{token}")
    String endSession(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            links.endSession(token);
            return "redirect:/not-me/" + token;
        } catch (NotMeLinks.Unusable e) {
            return unusable(e, model, response);
        }
    }

    @PostMapping("/not-me/{token}/all")
    String endAll(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            links.endAll(token);
            return "redirect:/not-me/" + token;
        } catch (NotMeLinks.Unusable e) {
            return unusable(e, model, response);
        }
    }

    private String show(NotMeLinks.Report report, String token, Model model) {
        model.addAttribute("s", SessionView.of(report.session(), false, settings.activeWindow(), clock));
        model.addAttribute("stage", report.stage().name());
        model.addAttribute("token", token);
        return "risk/not-me";
    }

    private static String unusable(NotMeLinks.Unusable e, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.GONE.value());
        model.addAttribute("unusable", e.getMessage());
        return "risk/not-me";
    }
}
