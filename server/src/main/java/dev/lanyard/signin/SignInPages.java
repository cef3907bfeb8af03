package dev.lanyard.signin;

import dev.lanyard.ChecksControlCharacters;
import dev.lanyard.FormErrors;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.SignUp;
import dev.lanyard.account.SignUps;
import dev.lanyard.account.Throttled;
import dev.lanyard.factors.ChallengeCookie;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.factors.SecondSteps;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionCookie;
import dev.lanyard.session.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-up, log-in and log-out pages. */
@Controller
class SignInPages {
    /** The labels of the sign-up and join forms' fields, for messages that name a field as the API does ({@code 'name'}). */
    static final java.util.Map<String, String> FIELD_LABELS = java.util.Map.of("name", "Your name", "email", "Email",
            "password", "Password", "team", "Team name");
    private final Accounts accounts;
    private final SignUps signUps;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final SecondFactors factors;
    private final SecondSteps steps;
    private final ChallengeCookie challengeCookie;

    SignInPages(Accounts accounts, SignUps signUps, Sessions sessions, ClientOrigins origins, SessionCookie cookie, SecondFactors factors,
                SecondSteps steps, ChallengeCookie challengeCookie) {
        this.signUps = signUps;
        this.factors = factors;
        this.steps = steps;
        this.challengeCookie = challengeCookie;
        this.accounts = accounts;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
    }

    /**
     * The sign-in page; a signed-in browser is sent on, unless asked to sign in {@code again} (an app's
     * {@code prompt=login} or {@code max_age}, decision 52): signing in then replaces its session.
     */
    @GetMapping("/login")
    String loginPage(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String ended,
                     @RequestParam(required = false) String out, @RequestParam(required = false) String next,
                     @RequestParam(required = false) String again, @RequestParam(required = false) String reset, Model model) {
        Optional<String> back = ReturnPath.of(next);
        if (current != null && (again == null || back.isEmpty())) return back.map(path -> "redirect:" + path).orElse("redirect:/settings/sessions");
        back.ifPresent(path -> model.addAttribute("next", path));
        if (current != null) model.addAttribute("info", "Sign in again to continue.");
        EndReason.ofCode(ended).filter(r -> r != EndReason.SIGNED_OUT)
                .ifPresent(reason -> model.addAttribute("notice", reason.notice()));
        if (out != null) model.addAttribute("info", "all".equals(out)
                ? "You signed out on every device. API keys keep working." : "You are signed out.");
        if (reset != null) model.addAttribute("info", "Your password was changed and every session of your account was signed out. "
                + "Log in with the new password.");
        return "signin/login";
    }

    /**
     * {@code zone} is the browser's time zone, filled in by static/js/times.js: kept for the member's mails once the sign-in
     * is complete ({@link Accounts#noteTimeZone}); with a second factor, the second step's form sends it again.
     */
    @PostMapping("/login")
    String login(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                 @RequestParam(defaultValue = "false") boolean rememberMe, @RequestParam(required = false) String next,
                 @RequestParam(defaultValue = "") String zone,
                 @AuthenticationPrincipal CurrentSession current,
                 HttpServletRequest request, HttpServletResponse response, Model model) {
        ClientOrigin origin = origins.of(request);
        Optional<String> back = ReturnPath.of(next);
        back.ifPresent(path -> model.addAttribute("next", path));
        try {
            Accounts.PasswordChecked checked = accounts.authenticateForSignIn(email, password, origin.ip());
            Account account = checked.account();
            if (factors.methods(account.id()).any()) {
                sessions.requireRoom(account.id(), origin.ip());
                // No session yet: the second factor comes first, on /login/verify. Remember me and the return path wait with it.
                challengeCookie.write(request, response, steps.challenge(account,
                        new SecondSteps.SignInRequest(rememberMe, AppType.WEB.name(), false, back.orElse(""), checked.stamp())));
                return "redirect:/login/verify";
            }
            Sessions.Started started = sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, rememberMe)
                    .withPassword(checked.stamp()), Optional.ofNullable(current));
            cookie.write(request, response, started);
            accounts.signedIn(account, origin.ip());
            accounts.noteTimeZone(account.id(), zone, started.session().id().value());
            // Back where the sign-in was asked for (an app's authorize request) by a plain navigation, not a
            // redirect of this form's post, which the page's form-action policy would stop on its way to the app.
            if (back.isPresent()) return "signin/continue";
            return "redirect:/settings/sessions";
        } catch (AccountProblem problem) {
            Throttled.status(response, problem, problem instanceof AccountProblem.InvalidInput ? HttpStatus.BAD_REQUEST
                    : problem instanceof AccountProblem.SessionLimitReached ? HttpStatus.CONFLICT : HttpStatus.UNAUTHORIZED);
            model.addAttribute("error", problem.getMessage());
            model.addAttribute("email", email);
            model.addAttribute("rememberMe", rememberMe);
            return "signin/login";
        }
    }

    @GetMapping("/signup")
    String signUpPage(@AuthenticationPrincipal CurrentSession current) {
        return current != null ? "redirect:/settings/sessions" : "signin/signup";
    }

    /** Every field's error at once, a control character's among them (the filter lets this form's through). */
    @PostMapping("/signup")
    @ChecksControlCharacters({"name", "email", "password", "team"})
    String signUp(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String email,
                  @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String team,
                  @RequestParam(defaultValue = "") String zone, @AuthenticationPrincipal CurrentSession current,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            ClientOrigin origin = origins.of(request);
            SignUp signUp = new SignUp(email, password, name, team, origin.ip());
            if (signUps.confirmsEmail()) {
                SignUps.Requested requested = signUps.request(signUp);
                model.addAttribute("sentTo", requested.email());
                return "signin/signup-sent";
            }
            signedIn(accounts.signUp(signUp, account ->
                    sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, false), Optional.ofNullable(current))),
                    zone, request, response);
            return "redirect:/settings/sessions?done=welcome";
        } catch (AccountProblem problem) {
            Throttled.status(response, problem, problem instanceof AccountProblem.EmailTaken ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST);
            FormErrors.add(model, problem, FIELD_LABELS);
            model.addAttribute("name", FormErrors.kept(name));
            model.addAttribute("email", FormErrors.kept(email));
            model.addAttribute("team", FormErrors.kept(team));
            return "signin/signup";
        }
    }

    /**
     * A sign-up's mailed link (decision 61): says what it will create, and creates it only when the button is pressed,
     * so a mail scanner that opens links creates nothing.
     */
    @GetMapping("/signup/confirm/{token}")
    String confirmPage(@PathVariable String token, Model model, HttpServletResponse response) {
        model.addAttribute("token", token);
        try {
            signUps.waiting(token).ifPresentOrElse(waiting -> model.addAttribute("waiting", waiting), () -> {
                response.setStatus(HttpStatus.GONE.value());
                model.addAttribute("unusable", new AccountProblem.SignUpLinkUnusable().getMessage());
            });
        } catch (AccountProblem.EmailTaken taken) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("unusable", taken.getMessage());
        }
        return "signin/signup-confirm";
    }

    /** Creates the account if the password is the one chosen at sign-up; a wrong one comes back to the page with a message. */
    @PostMapping("/signup/confirm/{token}")
    String confirm(@PathVariable String token, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "") String zone, @AuthenticationPrincipal CurrentSession current,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            ClientOrigin origin = origins.of(request);
            signedIn(signUps.confirm(token, password, origin.ip(), account ->
                    sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, false), Optional.ofNullable(current))),
                    zone, request, response);
            return "redirect:/settings/sessions?done=welcome";
        } catch (AccountProblem.SignUpPasswordMismatch | AccountProblem.TooManyAttempts wrong) {
            Throttled.status(response, wrong, HttpStatus.BAD_REQUEST);
            model.addAttribute("error", wrong.getMessage());
            // The message points to the own-details form: shown open.
            if (wrong instanceof AccountProblem.SignUpPasswordMismatch) model.addAttribute("offerOwn", true);
            return confirmPage(token, model, response);
        } catch (AccountProblem problem) {
            response.setStatus(problem instanceof AccountProblem.EmailTaken ? HttpStatus.CONFLICT.value() : HttpStatus.GONE.value());
            model.addAttribute("unusable", problem.getMessage());
            model.addAttribute("token", token);
            return "signin/signup-confirm";
        }
    }

    /** The own-details form's address, opened again (the address bar, history): the link's page, which has the form. */
    @GetMapping("/signup/confirm/{token}/own")
    String confirmOwnPage(@PathVariable String token) {
        return "redirect:/signup/confirm/" + org.springframework.web.util.UriUtils.encodePathSegment(token, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Creates the account with the link holder's own name, team and password ({@link SignUps#confirmOwn}): for the
     * address's owner when someone else started the sign-up, or who forgot its password. Refused fields come back to
     * the page, each with its message.
     */
    @PostMapping("/signup/confirm/{token}/own")
    @ChecksControlCharacters({"name", "password", "team"})
    String confirmOwn(@PathVariable String token, @RequestParam(defaultValue = "") String name,
                      @RequestParam(defaultValue = "") String team, @RequestParam(defaultValue = "") String password,
                      @RequestParam(defaultValue = "") String zone, @AuthenticationPrincipal CurrentSession current,
                      HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            ClientOrigin origin = origins.of(request);
            signedIn(signUps.confirmOwn(token, name, team, password, origin.ip(), account ->
                    sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, false), Optional.ofNullable(current))),
                    zone, request, response);
            return "redirect:/settings/sessions?done=welcome";
        } catch (AccountProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            FormErrors.add(model, invalid, FIELD_LABELS);
            model.addAttribute("own", true);
            model.addAttribute("ownName", FormErrors.kept(name));
            model.addAttribute("ownTeam", FormErrors.kept(team));
            String shown = confirmPage(token, model, response);
            if (model.containsAttribute("unusable")) model.addAttribute("own", false); // the link went meanwhile: only that is said
            return shown;
        } catch (AccountProblem problem) {
            response.setStatus(problem instanceof AccountProblem.EmailTaken ? HttpStatus.CONFLICT.value() : HttpStatus.GONE.value());
            model.addAttribute("unusable", problem.getMessage());
            model.addAttribute("token", token);
            return "signin/signup-confirm";
        }
    }

    /** A new account's first session: its cookie, and the browser's time zone kept for the member's mails. */
    private void signedIn(Sessions.Started started, String zone, HttpServletRequest request, HttpServletResponse response) {
        cookie.write(request, response, started);
        accounts.noteTimeZone(started.session().account(), zone, started.session().id().value());
    }

    /**
     * Where an app's sign-out link without an ID token leads (RP-Initiated Logout 1.0 §2: without {@code id_token_hint} the
     * provider must ask): whether to log out of Lanyard in this browser. Only asking, so a link on any site ends nothing.
     */
    @GetMapping("/logout/ask")
    String askLogout(@AuthenticationPrincipal CurrentSession current, Model model) {
        model.addAttribute("signedIn", current != null);
        return "signin/logout-ask";
    }

    @PostMapping("/logout")
    String logout(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request, HttpServletResponse response) {
        if (current != null) sessions.logout(current);
        cookie.clear(request, response);
        return "redirect:/login?out";
    }
}
