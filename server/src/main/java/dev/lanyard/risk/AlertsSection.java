package dev.lanyard.risk;

import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySection;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The "Sign-in alerts" section of /settings/security and its form. */
@Controller
class AlertsSection implements SecuritySection {
    private static final Map<String, String> DONE = Map.of(
            "alerts-on", "You will get an email when a new device or place signs in to your account.",
            "alerts-off", "You will no longer get an email when a new device signs in.");

    private final AlertSettings alerts;

    AlertsSection(AlertSettings alerts) {
        this.alerts = alerts;
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public String template() {
        return "security/alerts";
    }

    @Override
    public void describe(CurrentSession current, Model model) {
        model.addAttribute("newDeviceEmails", alerts.newDeviceEmails(current));
    }

    @Override
    public Optional<String> notice(String code) {
        return Optional.ofNullable(DONE.get(code));
    }

    /**
     * The checkbox sends "on" when ticked and nothing when not, so a missing value means off. Any other value is refused
     * with nothing changed (outside review: "garbage" turned the emails off).
     */
    @PostMapping("/settings/security/alerts")
    String save(@AuthenticationPrincipal CurrentSession current,
                @RequestParam(name = "newDeviceEmails", required = false) String value) {
        boolean on = "on".equals(value) || "true".equals(value);
        if (!on && value != null && !"off".equals(value) && !"false".equals(value))
            throw new AccountProblem.InvalidInput("newDeviceEmails", "The new device emails setting sent neither on nor off, "
                    + "so nothing was changed. Go back, reload the page and try again.");
        alerts.setNewDeviceEmails(current, on);
        return "redirect:/settings/security?done=" + (on ? "alerts-on" : "alerts-off");
    }
}
