package dev.lanyard.signin;

import java.util.Optional;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Throttled;
import dev.lanyard.factors.ChallengeCookie;
import dev.lanyard.factors.FactorProblem;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.factors.SecondSteps;
import dev.lanyard.passkeys.RelyingParties;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionCookie;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
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
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /login/verify}: the second step of a browser's sign-in. The browser holds the challenge in a
 * cookie; a right code (or recovery code), or an assertion of one of the member's passkeys
 * ({@code /login/verify/passkey}, through static/js/passkeys.js), ends it and starts a verified session,
 * remembered and sent on as the first step asked.
 */
@Controller
class SecondStepPages {
    private final SecondSteps steps;
    private final ChallengeCookie challengeCookie;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final RelyingParties relyingParties;
    private final Accounts accounts;

    SecondStepPages(SecondSteps steps, ChallengeCookie challengeCookie, Sessions sessions, ClientOrigins origins,
                    SessionCookie cookie, RelyingParties relyingParties, Accounts accounts) {
        this.accounts = accounts;
        this.steps = steps;
        this.relyingParties = relyingParties;
        this.challengeCookie = challengeCookie;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
    }

    @GetMapping("/login/verify")
    String page(HttpServletRequest request, HttpServletResponse response, Model model) {
        // No method left (an admin reset the member's second factors meanwhile): the challenge is over, sign in again.
        Optional<SecondFactors.Methods> methods = challengeCookie.read(request).flatMap(steps::methodsFor).filter(SecondFactors.Methods::any);
        if (methods.isEmpty()) return expired(request, response, model);
        model.addAttribute("methods", methods.get());
        return "signin/verify";
    }

    /**
     * The options for {@code navigator.credentials.get()}: only the signing-in member's passkeys can answer. 429 with
     * {@code Retry-After} when the member started as many passkey checks this minute as they may.
     */
    @PostMapping(path = "/login/verify/passkey/options", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> passkeyOptions(HttpServletRequest request) {
        Optional<String> challenge = challengeCookie.read(request);
        try {
            if (challenge.isEmpty()) throw new FactorProblem.ChallengeUnusable();
            return ResponseEntity.ok(steps.startPasskey(challenge.get(), relyingParties.of(request)).json());
        } catch (FactorProblem problem) {
            return ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"error\":" + tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(problem.getMessage()) + "}");
        } catch (AccountProblem.TooManyAttempts tooMany) {
            return Throttled.json(tooMany);
        }
    }

    @PostMapping("/login/verify/passkey")
    String verifyPasskey(@RequestParam(defaultValue = "") String ceremony, @RequestParam(defaultValue = "") String credential,
                         @RequestParam(defaultValue = "") String zone, @AuthenticationPrincipal CurrentSession current,
                         HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<String> challenge = challengeCookie.read(request);
        if (challenge.isEmpty()) return expired(request, response, model);
        ClientOrigin origin = origins.of(request);
        SignedIn signedIn;
        try {
            signedIn = steps.verifyPasskey(challenge.get(), ceremony, credential, origin.ip(),
                    passed -> start(passed, Verification.PASSWORD_AND_PASSKEY, current, origin));
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, challenge.get(), request, response, model);
        }
        return signedIn(signedIn, zone, request, response, model);
    }

    @PostMapping("/login/verify")
    String verify(@RequestParam(defaultValue = "") String code, @RequestParam(defaultValue = "") String zone,
                  @AuthenticationPrincipal CurrentSession current,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<String> challenge = challengeCookie.read(request);
        if (challenge.isEmpty()) return expired(request, response, model);
        ClientOrigin origin = origins.of(request);
        SignedIn signedIn;
        try {
            signedIn = steps.verify(challenge.get(), code, origin.ip(), passed -> start(passed,
                    passed.recoveryCodesLeft().isPresent() ? Verification.PASSWORD_AND_RECOVERY_CODE : Verification.PASSWORD_AND_CODE,
                    current, origin));
        } catch (FactorProblem | AccountProblem problem) {
            return refused(problem, challenge.get(), request, response, model);
        }
        return signedIn(signedIn, zone, request, response, model);
    }

    /** Added to a wrong code's (or passkey's) message when the challenge takes one more before it ends. */
    static final String LAST_TRY = "You have one try left before this sign-in ends and you sign in again.";

    /**
     * The page again with what went wrong (warning before the last try), or the sign-in page when the challenge is dead,
     * saying why.
     */
    private String refused(RuntimeException problem, String challenge, HttpServletRequest request, HttpServletResponse response,
                           Model model) {
        if (problem instanceof FactorProblem.ChallengeUnusable unusable) return expired(request, response, model, unusable);
        if (problem instanceof AccountProblem.PasswordChanged changed) return passwordChanged(changed, request, response, model);
        if (problem instanceof AccountProblem.SessionLimitReached limit) {
            // Another sign-in took the last place after the password step's check (SignInPages): said on the sign-in page,
            // before any code was checked.
            challengeCookie.clear(request, response);
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("error", limit.getMessage());
            return "signin/login";
        }
        Optional<SecondFactors.Methods> methods = steps.methodsFor(challenge);
        if (methods.isEmpty()) return expired(request, response, model);
        Throttled.status(response, problem, problem instanceof FactorProblem f ? HttpStatus.valueOf(f.status()) : HttpStatus.BAD_REQUEST);
        model.addAttribute("methods", methods.get());
        boolean counted = problem instanceof FactorProblem.WrongCode || problem instanceof FactorProblem.PasskeyRejected;
        boolean lastTry = counted && steps.triesLeft(challenge).filter(left -> left == 1).isPresent();
        String message = lastTry ? problem.getMessage() + " " + LAST_TRY : problem.getMessage();
        model.addAttribute("error", message);
        if (problem instanceof FactorProblem.WrongCode) FormErrors.field(model, "code", message);
        return "signin/verify";
    }

    /** A second step passed and the session it started. */
    private record SignedIn(SecondSteps.Passed passed, Sessions.Started session) {
    }

    /** Starts the session of a passed second step, in its transaction ({@link SecondSteps#verify}), as the first step asked. */
    private SignedIn start(SecondSteps.Passed passed, Verification how, CurrentSession current, ClientOrigin origin) {
        SecondSteps.SignInRequest asked = passed.request();
        return new SignedIn(passed, sessions.signIn(asked.withPassword(new NewSession(passed.account().id(), origin, AppType.WEB,
                asked.rememberMe(), how)), Optional.ofNullable(current)));
    }

    /** Hands the started session to the browser; {@code zone}, the browser's time zone its form sent, is kept for the member's mails. */
    private String signedIn(SignedIn signedIn, String zone, HttpServletRequest request, HttpServletResponse response, Model model) {
        SecondSteps.Passed passed = signedIn.passed();
        challengeCookie.clear(request, response);
        cookie.write(request, response, signedIn.session());
        accounts.noteTimeZone(passed.account().id(), zone, signedIn.session().session().id().value());
        SecondSteps.SignInRequest asked = passed.request();
        Optional<String> back = ReturnPath.of(asked.returnPath());
        Optional<String> recovery = passed.recoveryCodesLeft().map(left -> "You signed in with a recovery code. " + left
                + (left == 1 ? " recovery code remains." : " recovery codes remain."));
        if (back.isPresent()) {
            model.addAttribute("next", back.get());
            recovery.ifPresent(notice -> model.addAttribute("notice", notice));
            return "signin/continue";
        }
        return passed.recoveryCodesLeft().map(left -> "redirect:/settings/security?done=recovery-used-" + left)
                .orElse("redirect:/settings/sessions");
    }

    /** The password changed since the first step checked it: that sign-in proved a password that is no longer it. */
    private String passwordChanged(AccountProblem.PasswordChanged changed, HttpServletRequest request, HttpServletResponse response,
                                   Model model) {
        challengeCookie.clear(request, response);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        model.addAttribute("error", changed.getMessage());
        return "signin/login";
    }

    private String expired(HttpServletRequest request, HttpServletResponse response, Model model) {
        return expired(request, response, model, new FactorProblem.ChallengeUnusable());
    }

    /** The sign-in page, saying why the second step is over ({@code unusable}: expired or used, or too many failed attempts). */
    private String expired(HttpServletRequest request, HttpServletResponse response, Model model, FactorProblem.ChallengeUnusable unusable) {
        challengeCookie.clear(request, response);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        model.addAttribute("error", unusable.getMessage());
        return "signin/login";
    }
}
