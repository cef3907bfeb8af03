package dev.lanyard.signin;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Members;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
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

/** Accepting an invitation from its mailed link: choose a name and password, and be signed in. */
@Controller
class InvitePages {
    private final Members members;
    private final Sessions sessions;
    private final ClientOrigins origins;
    private final SessionCookie cookie;
    private final Accounts accounts;

    InvitePages(Members members, Sessions sessions, ClientOrigins origins, SessionCookie cookie, Accounts accounts) {
        this.accounts = accounts;
        this.members = members;
        this.sessions = sessions;
        this.origins = origins;
        this.cookie = cookie;
    }

    @GetMapping("/invite/{token}")
    String page(@PathVariable String token, @AuthenticationPrincipal CurrentSession current, Model model, HttpServletResponse response) {
        signedInAs(current, model);
        var invitation = members.pendingInvitation(token);
        // Said at once, without the form: no name or password could make this link join.
        var refused = invitation.isEmpty() ? Optional.<AccountProblem>of(new AccountProblem.InvitationUnusable())
                : members.refusal(invitation.get());
        if (refused.isPresent()) {
            response.setStatus(status(refused.get()));
            model.addAttribute("unusable", refused.get().getMessage());
        } else {
            model.addAttribute("email", invitation.get().email());
            model.addAttribute("invited", members.invited(invitation.get()));
        }
        model.addAttribute("token", token);
        return "signin/invite";
    }

    /** Every field's error at once, a control character's among them (the filter lets this form's through). */
    @PostMapping("/invite/{token}")
    @dev.lanyard.ChecksControlCharacters({"name", "password"})
    String accept(@PathVariable String token, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String zone,
                  @AuthenticationPrincipal CurrentSession current,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            ClientOrigin origin = origins.of(request);
            Sessions.Started joined = members.accept(token, name, password, account ->
                    sessions.signIn(new NewSession(account.id(), origin, AppType.WEB, false), Optional.ofNullable(current)));
            cookie.write(request, response, joined);
            accounts.noteTimeZone(joined.session().account(), zone, joined.session().id().value());
            return "redirect:/settings/sessions?done=joined";
        } catch (AccountProblem problem) {
            boolean unusable = problem instanceof AccountProblem.InvitationUnusable || problem instanceof AccountProblem.InvitedEmailHasAccount;
            response.setStatus(status(problem));
            if (unusable) model.addAttribute("unusable", problem.getMessage());
            else {
                FormErrors.add(model, problem, SignInPages.FIELD_LABELS);
                members.pendingInvitation(token).ifPresent(i -> {
                    model.addAttribute("email", i.email());
                    model.addAttribute("invited", members.invited(i));
                });
            }
            model.addAttribute("name", FormErrors.kept(name));
            model.addAttribute("token", token);
            signedInAs(current, model);
            return "signin/invite";
        }
    }

    /** 410 for a link that is used, cancelled or expired; 409 for an email that has an account; else 400. */
    private static int status(AccountProblem problem) {
        if (problem instanceof AccountProblem.InvitationUnusable) return HttpStatus.GONE.value();
        if (problem instanceof AccountProblem.InvitedEmailHasAccount) return HttpStatus.CONFLICT.value();
        return HttpStatus.BAD_REQUEST.value();
    }

    /** Joining ends the sign-in this browser has now (ASVS V7.2.4): the page says whose, before it happens. */
    private static void signedInAs(CurrentSession current, Model model) {
        if (current != null) model.addAttribute("signedInAs", current.account().email());
    }
}
