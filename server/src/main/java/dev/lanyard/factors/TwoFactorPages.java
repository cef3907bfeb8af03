package dev.lanyard.factors;

import java.util.List;
import java.util.Optional;

import dev.lanyard.FieldErrors;
import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.handover.SecretHandover;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.settings.SecuritySettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The forms of the two-factor section. New recovery codes from regenerating them are handed to the one page that
 * shows them ({@link SecretHandover}: sealed, never stored readable, never in a URL), so the form answers with a
 * redirect and a reload makes no new set. Turning the app on still shows its first codes in the answer to the form
 * (a reload of it finds nothing waiting to be turned on and redirects). Pages with codes are not cached.
 */
@Controller
@RequestMapping("/settings/security/two-factor")
class TwoFactorPages {
    /** How the reveal ids of recovery codes begin (an API key's are its id, {@code ses_…}): no two can collide. */
    static final String REVEAL = "rc_";
    private final SecondFactors factors;
    private final SecuritySettings page;
    private final ClientAddresses origins;
    private final EnrolmentCookie enrolmentCookie;
    private final SecretHandover handover;

    TwoFactorPages(SecondFactors factors, SecuritySettings page, ClientAddresses origins, EnrolmentCookie enrolmentCookie,
                   SecretHandover handover) {
        this.factors = factors;
        this.page = page;
        this.origins = origins;
        this.enrolmentCookie = enrolmentCookie;
        this.handover = handover;
    }

    /** Starts (or starts again) enrolment for this session, and gives this browser the key that shows its secret. */
    @PostMapping("/start")
    String start(@AuthenticationPrincipal CurrentSession current, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            SecondFactors.Enroller enroller = factors.startEnrolment(current.account(), current.id());
            enrolmentCookie.write(request, response, enroller.key());
            return "redirect:/settings/security#two-factor";
        } catch (FactorProblem problem) {
            return refused(problem, "start", current, model, response);
        }
    }

    @PostMapping("/confirm")
    String confirm(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String enrolment,
                   @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String code,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            SecondFactors.Enroller by = new SecondFactors.Enroller(current.id(), enrolmentCookie.read(request));
            List<String> codes = factors.confirm(current.account(), new SecondFactors.Confirmation(by, enrolment, password, code),
                    origins.resolve(request).getHostAddress());
            enrolmentCookie.clear(request, response);
            return codes(codes, "Two-factor authentication is on. Save these recovery codes now: each signs you in once "
                    + "if you lose your authenticator app or your passkeys, and they will not be shown again. They replace any "
                    + "recovery codes you had before, which no longer work.", current, model, response);
        } catch (FactorProblem.NoEnrolment | FactorProblem.AlreadyEnabled repeated) {
            // The confirmation sent again (a reload of the page that showed the recovery codes): it is on, so the answer is
            // the two-factor section with that said, by a redirect, not "nothing is waiting to be turned on" above "On since".
            if (factors.enabled(current.account().id())) return "redirect:/settings/security?done=two-factor-on#two-factor";
            return refused(repeated, "confirm", current, model, response);
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, "confirm", current, model, response);
        }
    }

    /**
     * New recovery codes; the answer is a redirect to the page that shows them once ({@link #shown}). Kept for that
     * page in the codes' own transaction: codes that could not be kept are not made, and the old ones keep working.
     */
    @PostMapping("/recovery-codes")
    String regenerate(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String password,
                      @RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response, Model model) {
        String reveal = SecretHandover.newId(REVEAL);
        try {
            factors.regenerateRecoveryCodes(current.account(), current.id(), password, code, origins.resolve(request).getHostAddress(),
                    codes -> handover.hold(current.id(), reveal, String.join(" ", codes), request, response));
            return "redirect:/settings/security/two-factor/recovery-codes/" + reveal + "#two-factor";
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, "regenerate", current, model, response);
        }
    }

    /**
     * The security page with the new recovery codes, the first time this browser session opens it within a few
     * minutes; after that (a reload, another tab, another browser) without them, saying so: never a new set.
     */
    @GetMapping("/recovery-codes/{reveal}")
    String shown(@AuthenticationPrincipal CurrentSession current, @PathVariable String reveal, Model model,
                 HttpServletRequest request, HttpServletResponse response) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        boolean app = factors.enabled(current.account().id());
        Optional<String> codes = reveal.startsWith(REVEAL) ? handover.take(current.id(), reveal, request, response) : Optional.<String>empty();
        if (codes.isEmpty()) {
            model.addAttribute("twoFactorCodesGone", "Those recovery codes were shown once already, on the page that followed "
                    + "regenerating them, and are not shown again. If you did not save them, regenerate recovery codes below: "
                    + "you get a new set, and the old ones stop working.");
            return page.page(current, model);
        }
        if (app)
            return codes(List.of(codes.get().split(" ")), "New recovery codes. The old ones no longer work. Save these now: they "
                    + "will not be shown again.", current, model, response);
        // Passkeys alone (docs/decisions/0066, addendum): maybe their first codes, so said as the app's set-up says it.
        return codes(List.of(codes.get().split(" ")), "New recovery codes. Save these now: each signs you in once if you lose "
                + "your passkeys, and they will not be shown again. They replace any recovery codes you had before, which no "
                + "longer work.", current, model, response);
    }

    @PostMapping("/disable")
    String disable(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response,
                   Model model) {
        try {
            factors.disable(current.account(), current.id(), password, code, origins.resolve(request).getHostAddress());
            return "redirect:/settings/security?done=two-factor-off";
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, "disable", current, model, response);
        }
    }

    private String codes(List<String> codes, String message, CurrentSession current, Model model, HttpServletResponse response) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        model.addAttribute("twoFactorCodes", codes);
        model.addAttribute("twoFactorCodesMessage", message);
        return page.page(current, model);
    }

    /**
     * The security page saying why {@code form} (confirm, regenerate, disable or start) was refused, in the section and
     * next to the field at fault, which is marked: {@code confirm-code}, {@code disable-password}, as the inputs' ids.
     */
    private String refused(RuntimeException problem, String form, CurrentSession current, Model model, HttpServletResponse response) {
        Throttled.status(response, problem, problem instanceof FactorProblem f ? HttpStatus.valueOf(f.status()) : HttpStatus.BAD_REQUEST);
        boolean wrongPassword = problem instanceof AccountProblem.InvalidCredentials;
        String message = wrongPassword ? "That password is not right." : problem.getMessage();
        model.addAttribute("twoFactorError", message);
        String field = wrongPassword ? "password" : problem instanceof FieldErrors named ? named.fieldErrors().get(0).field() : "";
        if (!field.isEmpty()) FormErrors.field(model, form + "-" + field, message);
        return page.page(current, model);
    }
}
