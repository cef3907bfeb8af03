package dev.lanyard.signin;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Throttled;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.settings.SecuritySettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The password form of {@code /settings/security}: a refusal is shown next to the form, with the member's choices kept. */
@Controller
class PasswordPage {
    private final Accounts accounts;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final java.time.Clock clock;
    private final SecuritySettings securitySettings;

    PasswordPage(Accounts accounts, Sessions sessions, ClientOrigins origins, SecuritySettings securitySettings,
                 java.time.Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.sessions = sessions;
        this.origins = origins;
        this.securitySettings = securitySettings;
    }

    @PostMapping("/settings/security/password")
    String change(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String currentPassword,
                  @RequestParam(defaultValue = "") String newPassword,
                  @RequestParam(defaultValue = "false") boolean signOutOthers,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            accounts.changePassword(current.account().id(),
                    PasswordChanges.request(current, sessions, clock, origins.of(request), currentPassword, newPassword, signOutOthers));
            return "redirect:/settings/security?done=" + (signOutOthers ? "password-changed" : "password-changed-kept");
        } catch (AccountProblem problem) {
            Throttled.status(response, problem, HttpStatus.BAD_REQUEST);
            // Every field at fault, each said next to it; the passwords typed are never written back into the page.
            dev.lanyard.FormErrors.add(model, problem, java.util.Map.of());
            model.addAttribute(PasswordSection.SIGN_OUT_OTHERS, signOutOthers);
            return securitySettings.page(current, model);
        }
    }
}
