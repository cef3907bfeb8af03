package dev.lanyard.signin;

import java.util.Optional;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.factors.ChallengeCookie;
import dev.lanyard.factors.FactorProblem;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionCookie;
import dev.lanyard.session.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /login/verify}: the second step of a browser's sign-in. The browser holds the challenge in a
 * cookie; a right code (or recovery code) ends it and starts a verified session, remembered and sent on as
 * the first step asked.
 */
@Controller
class SecondStepPages {
    private final SecondFactors factors;
    private final ChallengeCookie challengeCookie;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;

    SecondStepPages(SecondFactors factors, ChallengeCookie challengeCookie, Sessions sessions, ClientOrigins origins,
                    SessionCookie cookie) {
        this.factors = factors;
        this.challengeCookie = challengeCookie;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
    }

    @GetMapping("/login/verify")
    String page(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (challengeCookie.read(request).flatMap(factors::pending).isEmpty()) return expired(request, response, model);
        return "signin/verify";
    }

    @PostMapping("/login/verify")
    String verify(@RequestParam(defaultValue = "") String code, @AuthenticationPrincipal CurrentSession current,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<String> challenge = challengeCookie.read(request);
        if (challenge.isEmpty()) return expired(request, response, model);
        ClientOrigin origin = origins.of(request);
        SecondFactors.Passed passed;
        try {
            passed = factors.verify(challenge.get(), code, origin.ip());
        } catch (FactorProblem.ChallengeUnusable unusable) {
            return expired(request, response, model);
        } catch (FactorProblem | AccountProblem problem) {
            if (problem instanceof AccountProblem.TooManyAttempts tooMany) {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()));
            } else {
                response.setStatus(problem instanceof FactorProblem f ? f.status() : HttpStatus.BAD_REQUEST.value());
            }
            model.addAttribute("error", problem.getMessage());
            return "signin/verify";
        }
        challengeCookie.clear(request, response);
        SecondFactors.SignInRequest asked = passed.request();
        cookie.write(request, response, sessions.signIn(new NewSession(passed.account().id(), origin, AppType.WEB,
                asked.rememberMe(), true), Optional.ofNullable(current)));
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

    private String expired(HttpServletRequest request, HttpServletResponse response, Model model) {
        challengeCookie.clear(request, response);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        model.addAttribute("error", new FactorProblem.ChallengeUnusable().getMessage());
        return "signin/login";
    }
}
