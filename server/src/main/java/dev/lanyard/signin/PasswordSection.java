package dev.lanyard.signin;

import java.util.Map;
import java.util.Optional;

import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySection;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/** The "Password" section of {@code /settings/security} (PRODUCT.md V4); its form posts to {@link PasswordPage}. */
@Component
class PasswordSection implements SecuritySection {
    static final String SIGN_OUT_OTHERS = "passwordSignOutOthers";
    private static final Map<String, String> NOTICES = Map.of(
            "password-changed", "Your password was changed. Every other session was signed out; API keys keep working. "
                    + "We sent you an email about the change.",
            "password-changed-kept", "Your password was changed. Your other sessions stay signed in. "
                    + "We sent you an email about the change.");

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
        return Optional.ofNullable(NOTICES.get(code));
    }
}
