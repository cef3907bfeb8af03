package dev.lanyard.admin;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.DecimalNumbers;
import dev.lanyard.FormErrors;
import dev.lanyard.InputErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.session.CurrentSession;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The team's session policy, for its admins (PRODUCT.md L2, L3, L5). */
@Controller
class TeamSettingsPages {
    private final Accounts accounts;

    TeamSettingsPages(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/admin/settings")
    String page(@AuthenticationPrincipal CurrentSession current, @RequestParam(required = false) String done,
                Model model, HttpServletResponse response) {
        if (current.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
        TeamPolicy policy = accounts.policy(current.account().team());
        model.addAttribute("form", PolicyForm.of(policy));
        model.addAttribute("version", policy.version());
        model.addAttribute("account", current.account());
        if ("saved".equals(done)) model.addAttribute("done", "Session policy saved. It applies to every session of the team from its next request.");
        return "admin/settings";
    }

    @PostMapping("/admin/settings")
    String save(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "") String idleTimeout,
                @RequestParam(defaultValue = "false") boolean allowRememberMe,
                @RequestParam(defaultValue = "") String rememberedDays, @RequestParam(defaultValue = "") String lifetimeDays,
                @RequestParam(defaultValue = "false") boolean requireSecondFactor,
                @RequestParam(defaultValue = "") String sessionLimit, @RequestParam(defaultValue = "end-oldest") String atSessionLimit,
                @RequestParam(defaultValue = "") String version, Model model, HttpServletResponse response) {
        if (current.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
        try {
            // Every field read with its rules before any is refused, so the page names all that are wrong at once.
            InputErrors<AccountProblem.InvalidInput> errors = new InputErrors<>(AccountProblem.InvalidInput.class);
            Optional<Duration> idle = errors.read(() -> idle(idleTimeout));
            Optional<Integer> remembered = errors.read(() -> TeamPolicy.validRememberedDays(days("rememberedDays", rememberedDays)));
            Optional<Integer> lifetime = errors.read(() -> TeamPolicy.validLifetimeDays(days("lifetimeDays", lifetimeDays)));
            checkDays(errors, remembered, lifetime);
            Optional<Integer> limit = errors.read(() -> TeamPolicy.validSessionLimit(limit(sessionLimit)));
            Optional<Boolean> refuse = errors.read(() -> refuseAtLimit(atSessionLimit));
            errors.throwIfAny(AccountProblem.InvalidInput::of);
            TeamPolicy policy = new TeamPolicy(idle.orElseThrow(), allowRememberMe, remembered.orElseThrow(), lifetime.orElseThrow(),
                    requireSecondFactor, limit.orElseThrow(), refuse.orElseThrow());
            // The version the page was loaded with: a save on a page another admin's change made stale is refused.
            accounts.changePolicy(current.account(), policy, version.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(version));
            return "redirect:/admin/settings?done=saved";
        } catch (AccountProblem.PolicyChanged changed) {
            response.setStatus(HttpStatus.CONFLICT.value());
            page(current, null, model, response);
            model.addAttribute("error", changed.getMessage());
            return "admin/settings";
        } catch (AccountProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            // What was typed stays, to be corrected, with the refused field marked; nothing was saved.
            model.addAttribute("form", new PolicyForm(idleTimeout, allowRememberMe, rememberedDays, lifetimeDays,
                    requireSecondFactor, sessionLimit, atSessionLimit));
            model.addAttribute("version", version);
            model.addAttribute("account", current.account());
            FormErrors.add(model, invalid, Map.of());
            return "admin/settings";
        }
    }

    /** The policy form's fields as the page shows them: the saved policy, or what was typed when it was refused. */
    record PolicyForm(String idleTimeout, boolean allowRememberMe, String rememberedDays, String lifetimeDays,
                      boolean requireSecondFactor, String sessionLimit, String atSessionLimit) {
        static PolicyForm of(TeamPolicy policy) {
            return new PolicyForm(idleCode(policy.idleTimeout()), policy.allowRememberMe(), String.valueOf(policy.rememberedDays()),
                    String.valueOf(policy.lifetimeDays()), policy.requireSecondFactor(),
                    policy.sessionLimit() > 0 ? String.valueOf(policy.sessionLimit()) : "", atLimitCode(policy.refuseAtLimit()));
        }
    }

    /** The rule between the two day counts, once both are read and each keeps its own. */
    static void checkDays(InputErrors<AccountProblem.InvalidInput> errors, Optional<Integer> remembered, Optional<Integer> lifetime) {
        if (remembered.isPresent() && lifetime.isPresent())
            errors.check(() -> TeamPolicy.checkRememberedNotShorter(remembered.get(), lifetime.get()));
    }

    /** "1d", "7d", "30d" or "never". */
    static Duration idle(String value) {
        return switch (value) {
            case "1d" -> Duration.ofDays(1);
            case "7d" -> Duration.ofDays(7);
            case "30d" -> Duration.ofDays(30);
            case "never" -> Duration.ZERO;
            default -> throw new AccountProblem.InvalidInput("idleTimeout", "Choose 1 day, 7 days, 30 days or never.");
        };
    }

    static String idleCode(Duration idle) {
        return idle.isZero() ? "never" : idle.toDays() + "d";
    }

    /** The session limit as typed, in decimal digits ({@link DecimalNumbers}): empty is no limit. */
    private static int limit(String value) {
        if (value.isEmpty()) return 0;
        return DecimalNumbers.parseInt(value).orElseThrow(() -> new AccountProblem.InvalidInput("sessionLimit",
                "Enter a whole number of sessions, in digits, or leave it empty for no limit."));
    }

    /** "end-oldest" or "refuse": what a sign-in at the session limit does. */
    static boolean refuseAtLimit(String value) {
        return switch (value) {
            case "end-oldest" -> false;
            case "refuse" -> true;
            default -> throw new AccountProblem.InvalidInput("atSessionLimit", "At the session limit, choose end-oldest or refuse.");
        };
    }

    static String atLimitCode(boolean refuse) {
        return refuse ? "refuse" : "end-oldest";
    }

    /**
     * A number of days as typed, in decimal digits ({@link DecimalNumbers}): {@code +30}, {@code " 30"} or digits of another
     * script were taken as 30 (outside review), and are refused as any other text is.
     */
    private static int days(String field, String value) {
        // Named as the form labels it: the form has two fields of days (outside QA).
        String label = field.equals("rememberedDays") ? "Remembered sessions last" : "Other sessions expire after";
        return DecimalNumbers.parseInt(value).orElseThrow(() -> new AccountProblem.InvalidInput(field,
                label + ": enter a whole number of days, in digits."));
    }
}
