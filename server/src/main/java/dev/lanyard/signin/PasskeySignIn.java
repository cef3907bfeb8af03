package dev.lanyard.signin;

import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.passkeys.PasskeyProblem;
import dev.lanyard.passkeys.Passkeys;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Sign in with a passkey" on {@code /login}: the options for {@code navigator.credentials.get()} as JSON,
 * then the form with the authenticator's answer (static/js/passkeys.js). A verified assertion starts a
 * session as a password sign-in does (the cookie, remember me, the return path, the presented session
 * ended first), and the session is verified: a passkey is possession plus user verification.
 */
@Controller
class PasskeySignIn {
    private final Passkeys passkeys;
    private final RelyingParties relyingParties;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final Accounts accounts;
    private final ClientAddresses addresses;

    PasskeySignIn(Passkeys passkeys, RelyingParties relyingParties, Sessions sessions, ClientOrigins origins, SessionCookie cookie,
                  Accounts accounts, ClientAddresses addresses) {
        this.accounts = accounts;
        this.addresses = addresses;
        this.passkeys = passkeys;
        this.relyingParties = relyingParties;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
    }

    /**
     * The options, or 429 with {@code Retry-After} and {@code {"error": ...}}, which the button's script shows, when the
     * address started as many passkey sign-ins this minute as it may.
     */
    @PostMapping(path = "/login/passkey/options", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> options(HttpServletRequest request) {
        try {
            return ResponseEntity.ok(passkeys.startSignIn(relyingParties.of(request), addresses.resolve(request).getHostAddress()).json());
        } catch (AccountProblem.TooManyAttempts tooMany) {
            return Throttled.json(tooMany);
        }
    }

    @PostMapping("/login/passkey")
    String signIn(@RequestParam(defaultValue = "") String ceremony, @RequestParam(defaultValue = "") String credential,
                  @RequestParam(defaultValue = "false") boolean rememberMe, @RequestParam(required = false) String next,
                  @RequestParam(defaultValue = "") String zone,
                  @AuthenticationPrincipal CurrentSession current,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        ClientOrigin origin = origins.of(request);
        Optional<String> back = ReturnPath.of(next);
        back.ifPresent(path -> model.addAttribute("next", path));
        try {
            Account account = passkeys.signIn(ceremony, credential, origin.ip());
            Sessions.Started started = sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, rememberMe, Verification.PASSKEY),
                    Optional.ofNullable(current));
            cookie.write(request, response, started);
            accounts.noteTimeZone(account.id(), zone, started.session().id().value());
            if (back.isPresent()) return "signin/continue";
            return "redirect:/settings/sessions";
        } catch (AccountProblem.TooManyAttempts tooMany) {
            Throttled.status(response, tooMany, HttpStatus.TOO_MANY_REQUESTS);
            model.addAttribute("error", tooMany.getMessage());
        } catch (AccountProblem.SessionLimitReached limit) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("error", limit.getMessage());
        } catch (PasskeyProblem.Rejected rejected) {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            model.addAttribute("error", "That passkey could not sign you in. Use another one or your password.");
        }
        model.addAttribute("rememberMe", rememberMe);
        return "signin/login";
    }
}
