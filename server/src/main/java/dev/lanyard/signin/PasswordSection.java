package dev.lanyard.signin;

import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.Mailer;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySection;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/** The "Password" section of {@code /settings/security} (PRODUCT.md V4); its form posts to {@link PasswordPage}. */
@Component
class PasswordSection implements SecuritySection {
    static final String SIGN_OUT_OTHERS = "passwordSignOutOthers";
    private static final Map<String, String> NOTICES = Map.of(
            "password-changed", "Your password was changed. Every other session was signed out; API keys keep working.",
            "password-changed-kept", "Your password was changed. Your other sessions stay signed in.");
    private static final String MAILED = "We sent you an email about the change.";
    /** Without a mail server the mail about the change waits in the team's outbox (outside review: "We sent" was untrue). */
    private static final String KEPT = "No mail server is configured, so the email about the change was not sent: it is kept"
            + " in your team's outbox.";

    private final Mailer mailer;

    PasswordSection(Mailer mailer) {
        this.mailer = mailer;
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public String template() {
        return "security/password";
    }

    @Override
    public void describe(CurrentSession current, Model model) {
        // A refused form keeps the member's choice; a fresh one has the box ticked.
        if (!model.containsAttribute(SIGN_OUT_OTHERS)) model.addAttribute(SIGN_OUT_OTHERS, true);
    }

    @Override
    public Optional<String> notice(String code) {
        return Optional.ofNullable(NOTICES.get(code)).map(notice -> notice + " " + (mailer.usesOutbox() ? KEPT : MAILED));
    }
}
