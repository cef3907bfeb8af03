package dev.lanyard.factors;

import java.util.List;
import java.util.Optional;

import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySection;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * The two-factor section of {@code /settings/security}: off, enrolling (QR code and secret, to the session and
 * browser that started it; "started on another device" to any other), or on (an app, passkeys or both).
 */
@Component
class TwoFactorSection implements SecuritySection {
    private final SecondFactors factors;
    private final SecondFactorRequirement requirement;
    private final EnrolmentCookie enrolmentCookie;
    /** The request being answered (Spring's proxy to the current one): its enrolment cookie says what it may see. */
    private final HttpServletRequest request;

    TwoFactorSection(SecondFactors factors, SecondFactorRequirement requirement, EnrolmentCookie enrolmentCookie,
                     HttpServletRequest request) {
        this.factors = factors;
        this.requirement = requirement;
        this.enrolmentCookie = enrolmentCookie;
        this.request = request;
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public String template() {
        return "security/two-factor";
    }

    @Override
    public void describe(CurrentSession current, Model model) {
        SecondFactors.Status status = factors.status(current.account(),
                new SecondFactors.Enroller(current.id(), enrolmentCookie.read(request)));
        model.addAttribute("twoFactor", status);
        // A passkey is a second factor too: a password sign-in asks for one (SecondFactors#methods).
        model.addAttribute("twoFactorByPasskey", factors.methods(current.account().id()).passkey());
        status.since().ifPresent(since -> model.addAttribute("twoFactorSince",
                java.time.format.DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC).format(since)));
        model.addAttribute("twoFactorRequired", requirement.holds(current.account()));
    }

    @Override
    public Optional<String> notice(String code) {
        for (String used : List.of("recovery-used-", "verified-recovery-")) {
            if (!code.startsWith(used)) continue;
            String left = code.substring(used.length());
            if (!left.matches("\\d{1,2}")) return Optional.empty();
            return Optional.of((used.equals("recovery-used-") ? "You signed in with a recovery code. "
                    : "This session is verified: you used a recovery code. ") + left
                    + (left.equals("1") ? " recovery code remains" : " recovery codes remain") + ". Regenerate them below if you are running low.");
        }
        return Optional.ofNullable(switch (code) {
            case "two-factor-off" -> "Two-factor authentication is off.";
            case "two-factor-on" -> "Two-factor authentication is on. Your recovery codes were shown once, when you turned it on; "
                    + "if you did not save them, regenerate them below.";
            // Where a member held by the team's requirement lands after ending sessions (SecondFactorGate): as the sessions page says it.
            case "signed-out" -> "The session was signed out. That device must sign in again.";
            case "already-signed-out" -> "That session had already been signed out, from another page or device: nothing more was done.";
            case "signed-out-others" -> "All other sessions were signed out. This device stays signed in.";
            default -> null;
        });
    }
}
