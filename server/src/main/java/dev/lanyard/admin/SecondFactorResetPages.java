package dev.lanyard.admin;

import dev.lanyard.FormErrors;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.factors.FactorProblem;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.TeamSessions;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** "Reset two-factor" for an admin on a member's page: a confirmation that says what happens, with a required reason. */
@Controller
class SecondFactorResetPages {
    private final SecondFactorResets resets;
    private final TeamSessions team;
    private final SecondFactors factors;

    SecondFactorResetPages(SecondFactorResets resets, TeamSessions team, SecondFactors factors) {
        this.resets = resets;
        this.team = team;
        this.factors = factors;
    }

    @GetMapping("/admin/members/{id}/two-factor/reset")
    String confirm(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model) {
        Account member = team.member(admin, new AccountId(id));
        model.addAttribute("member", member);
        model.addAttribute("methods", factors.methods(member.id()));
        model.addAttribute("self", member.id().equals(admin.account().id()));
        model.addAttribute("account", admin.account());
        return "admin/reset-two-factor";
    }

    @PostMapping("/admin/members/{id}/two-factor/reset")
    String reset(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                 @RequestParam(defaultValue = "") String reason, Model model, HttpServletResponse response) {
        try {
            resets.reset(admin, new AccountId(id), reason);
        } catch (SessionProblem.InvalidInput | FactorProblem refused) {
            response.setStatus(refused instanceof FactorProblem p ? p.status() : HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", refused.getMessage());
            if (refused instanceof SessionProblem.InvalidInput invalid) FormErrors.field(model, invalid.field(), invalid.getMessage());
            model.addAttribute("reason", reason); // kept, to be corrected rather than typed again
            return confirm(admin, id, model);
        }
        return "redirect:/admin/members/" + id + "/sessions?done=two-factor-reset";
    }
}
