package dev.lanyard.signin;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.PasswordResets;
import dev.lanyard.account.Throttled;
import dev.lanyard.session.ClientOrigins;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * "Forgot your password?" (decision 67): asking for a link by email, and choosing a new password with it. Asking is only
 * with a mail server; without one it is not found and the sign-in page does not offer it, and a link's page is found only
 * for a link the server's operator made ({@code reset-link}, decision 67 addendum).
 */
@Controller
class PasswordResetPages {
    private final PasswordResets resets;
    private final ClientOrigins origins;
    private final Accounts accounts;

    PasswordResetPages(PasswordResets resets, ClientOrigins origins, Accounts accounts) {
        this.resets = resets;
        this.accounts = accounts;
        this.origins = origins;
    }

    private void requireAvailable() {
        if (!resets.available()) throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    private void requireLinkPage(String token, Model model) {
        if (!resets.linkPageServed(token)) throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        model.addAttribute("resetAvailable", resets.available());
    }

    @GetMapping("/login/forgot")
    String forgotPage() {
        requireAvailable();
        return "signin/forgot";
    }

    /** Answers alike whether or not the email has an account: the mail goes only where there is one. */
    @PostMapping("/login/forgot")
    String forgot(@RequestParam(defaultValue = "") String email, HttpServletRequest request, HttpServletResponse response, Model model) {
        requireAvailable();
        try {
            PasswordResets.Requested requested = resets.request(email, origins.of(request).ip());
            model.addAttribute("sentTo", requested.email());
            return "signin/forgot-sent";
        } catch (AccountProblem problem) {
            Throttled.status(response, problem, HttpStatus.BAD_REQUEST);
            model.addAttribute("error", problem.getMessage());
            model.addAttribute("email", email);
            return "signin/forgot";
        }
    }

    /** The link's page: asks for the new password; nothing changes until it is sent, so a mail scanner that opens links changes nothing. */
    @GetMapping("/login/reset/{token}")
    String resetPage(@PathVariable String token, Model model, HttpServletResponse response) {
        requireLinkPage(token, model);
        model.addAttribute("token", token);
        resets.waiting(token).ifPresentOrElse(email -> model.addAttribute("email", email), () -> {
            response.setStatus(HttpStatus.GONE.value());
            model.addAttribute("unusable", new AccountProblem.ResetLinkUnusable().getMessage());
        });
        return "signin/reset";
    }

    @PostMapping("/login/reset/{token}")
    String reset(@PathVariable String token, @RequestParam(defaultValue = "") String password,
                 @RequestParam(defaultValue = "") String confirmation, @RequestParam(defaultValue = "") String zone,
                 HttpServletRequest request, HttpServletResponse response, Model model) {
        requireLinkPage(token, model);
        if (!password.equals(confirmation)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", "The two passwords differ. Type the same new password twice.");
            return resetPage(token, model, response);
        }
        try {
            // The browser's time zone (static/js/times.js) is kept for the member's mails, as a sign-in keeps it.
            accounts.noteTimeZone(resets.reset(token, password, origins.of(request).ip()).id(), zone);
            return "redirect:/login?reset";
        } catch (AccountProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            return resetPage(token, model, response);
        } catch (AccountProblem.ResetLinkUnusable unusable) {
            response.setStatus(HttpStatus.GONE.value());
            model.addAttribute("unusable", unusable.getMessage());
            model.addAttribute("token", token);
            return "signin/reset";
        }
    }
}
