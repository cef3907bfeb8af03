package dev.lanyard.factors;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.passkeys.RelyingParties;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Verify this session" (PRODUCT.md V2: the current session, if unverified, shows a prompt to verify it): the member passes
 * one of their second factors (a code from the authenticator app, a recovery code or a passkey) in the session they are
 * using, which becomes verified as if it had signed in with it. The forms are the sign-in's second step's
 * (signin/verify.html), posted here; a passkey through static/js/passkeys.js.
 */
@Controller
@RequestMapping("/settings/sessions/verify")
class SessionVerificationPages {
    private final SecondFactors factors;
    private final SecondSteps steps;
    private final Sessions sessions;
    private final ClientAddresses addresses;
    private final RelyingParties relyingParties;

    SessionVerificationPages(SecondFactors factors, SecondSteps steps, Sessions sessions, ClientAddresses addresses, RelyingParties relyingParties) {
        this.factors = factors;
        this.steps = steps;
        this.sessions = sessions;
        this.addresses = addresses;
        this.relyingParties = relyingParties;
    }

    @GetMapping
    String page(@AuthenticationPrincipal CurrentSession current, Model model) {
        if (sessions.current(current).verified()) return "redirect:/settings/sessions?done=verified";
        return show(current, model);
    }

    @PostMapping
    String verify(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String code,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            SecondSteps.Verified verified = steps.verifySession(current.account(), current.id(), code, address(request));
            return verified.recoveryCodesLeft().map(left -> "redirect:/settings/security?done=verified-recovery-" + left)
                    .orElse("redirect:/settings/sessions?done=verified");
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, current, model, response);
        }
    }

    /**
     * The options for {@code navigator.credentials.get()}: only the member's own passkeys can answer. 429 with
     * {@code Retry-After} when the member started as many passkey checks this minute as they may.
     */
    @PostMapping(path = "/passkey/options", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> passkeyOptions(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request) {
        try {
            return ResponseEntity.ok(steps.startSessionPasskey(current.account(), relyingParties.of(request)).json());
        } catch (FactorProblem problem) {
            return ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"error\":" + tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(problem.getMessage()) + "}");
        } catch (AccountProblem.TooManyAttempts tooMany) {
            return Throttled.json(tooMany);
        }
    }

    @PostMapping("/passkey")
    String verifyPasskey(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String ceremony,
                         @RequestParam(defaultValue = "") String credential, HttpServletRequest request,
                         HttpServletResponse response, Model model) {
        try {
            steps.verifySessionPasskey(current.account(), current.id(), ceremony, credential, address(request));
            return "redirect:/settings/sessions?done=verified";
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, current, model, response);
        }
    }

    private String refused(RuntimeException problem, CurrentSession current, Model model, HttpServletResponse response) {
        Throttled.status(response, problem, problem instanceof FactorProblem f ? HttpStatus.valueOf(f.status()) : HttpStatus.BAD_REQUEST);
        model.addAttribute("error", problem.getMessage());
        if (problem instanceof FactorProblem.WrongCode) FormErrors.field(model, "code", problem.getMessage());
        return show(current, model);
    }

    /**
     * The page; for a member without a second factor, whether another sign-in of theirs is verified (verified before the
     * factor went), the only way then besides setting one up: an approval from it.
     */
    private String show(CurrentSession current, Model model) {
        if (current.apiKey()) throw new SessionProblem.NotPending("Only sign-ins are verified. API keys and apps are not.");
        SecondFactors.Methods methods = factors.methods(current.account().id());
        model.addAttribute("methods", methods);
        model.addAttribute("inPlace", true);
        model.addAttribute("verifiedElsewhere", !methods.any()
                && sessions.anyOtherSignIn(current.account().id(), current.id(), Session::verified));
        return "signin/verify";
    }

    private String address(HttpServletRequest request) {
        return addresses.resolve(request).getHostAddress();
    }
}
