package dev.lanyard.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Invitation;
import dev.lanyard.account.LinkTokens;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.Role;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.TeamSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Team members for admins (PRODUCT.md T1, T5): invitations, roles, removal, session-list permission, outbox. */
@Controller
class MemberPages {
    static final Map<String, String> DONE = Map.of(
            "invited", "Invitation sent. The link works once and expires in 7 days.",
            "resent", "Invitation sent again with a new link. The old link no longer works.",
            "cancelled", "Invitation cancelled.",
            "role", "Role changed. It applies from the member's next request.",
            "removed", "Member removed. All of their sessions were signed out.",
            "permissions", "Session list permission saved.");
    /** What {@link #DONE} says of an invitation's mail when there is no mail server to send it (outside review). */
    private static final Map<String, String> KEPT = Map.of(
            "invited", "Invitation created. No mail server is configured, so its mail is kept in the outbox. The link works once"
                    + " and expires in 7 days.",
            "resent", "New invitation link created and kept in the outbox, since no mail server is configured. The old link"
                    + " no longer works.");

    private final Members members;
    private final Mailer mailer;
    private final ClientAddresses addresses;
    private final Clock clock;

    MemberPages(Members members, Mailer mailer, ClientAddresses addresses, Clock clock) {
        this.addresses = addresses;
        this.members = members;
        this.mailer = mailer;
        this.clock = clock;
    }

    @GetMapping("/admin/members")
    String page(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String member,
                @RequestParam(required = false) String after, @RequestParam(required = false) String done, Model model) {
        model.addAttribute("members", members.list(admin.account(), member, 100, Optional.ofNullable(after)));
        List<Invitation> invitations = members.invitations(admin.account());
        Instant now = clock.instant();
        model.addAttribute("invitations", invitations);
        model.addAttribute("undelivered", invitations.stream().anyMatch(i -> i.undelivered(now)));
        model.addAttribute("now", now);
        model.addAttribute("membersSeeSessions", members.maySeeSessionListAsMember(admin.account()));
        model.addAttribute("outbox", mailer.usesOutbox());
        model.addAttribute("member", member);
        model.addAttribute("account", admin.account());
        if (done != null && DONE.containsKey(done))
            model.addAttribute("done", mailer.usesOutbox() ? KEPT.getOrDefault(done, DONE.get(done)) : DONE.get(done));
        return "admin/members";
    }

    @PostMapping("/admin/members/invite")
    String invite(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String email,
                  @RequestParam(defaultValue = "MEMBER") String role, Model model, HttpServletRequest request,
                  HttpServletResponse response) {
        TeamSessions.requireAdmin(admin);
        try {
            members.invite(admin.account(), email, role(role), addresses.resolve(request).getHostAddress());
            return "redirect:/admin/members?done=invited";
        } catch (AccountProblem.InvalidInput | AccountProblem.TooManyAttempts problem) {
            Throttled.status(response, problem, HttpStatus.BAD_REQUEST);
            model.addAttribute("error", problem.getMessage());
            FormErrors.field(model, problem.field(), problem.getMessage());
            model.addAttribute("inviteEmail", email);
            model.addAttribute("inviteRole", role.strip().toUpperCase(java.util.Locale.ROOT));
            return page(admin, "", null, null, model);
        }
    }

    @PostMapping("/admin/invitations/{id}/resend")
    String resend(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model, HttpServletResponse response) {
        try {
            members.resend(admin.account(), id);
            return "redirect:/admin/members?done=resent";
        } catch (AccountProblem.TooManyAttempts | AccountProblem.InvitationUnusable | AccountProblem.InvalidInput refused) {
            Throttled.status(response, refused, refused instanceof AccountProblem.InvalidInput ? HttpStatus.BAD_REQUEST : HttpStatus.GONE);
            model.addAttribute("error", refused.getMessage());
            return page(admin, "", null, null, model);
        }
    }

    @PostMapping("/admin/invitations/{id}/cancel")
    String cancel(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model, HttpServletResponse response) {
        try {
            members.cancel(admin.account(), id);
        } catch (AccountProblem.InvitationUnusable accepted) {
            response.setStatus(HttpStatus.GONE.value());
            model.addAttribute("error", accepted.getMessage());
            return page(admin, "", null, null, model);
        }
        return "redirect:/admin/members?done=cancelled";
    }

    @PostMapping("/admin/members/{id}/role")
    String role(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam(defaultValue = "") String role,
                Model model, HttpServletResponse response) {
        TeamSessions.requireAdmin(admin);
        Role chosen = role(role);
        try {
            members.changeRole(admin.account(), new AccountId(id), chosen);
        } catch (AccountProblem.LastAdmin last) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("error", last.getMessage());
            return page(admin, "", null, null, model);
        }
        // An admin who made themselves a member may no longer open the members page.
        if (admin.account().id().value().equals(id) && chosen != Role.ADMIN) return "redirect:/settings/sessions?done=no-longer-admin";
        return "redirect:/admin/members?done=role";
    }

    @GetMapping("/admin/members/{id}/remove")
    String confirmRemove(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model) {
        model.addAttribute("member", members.member(admin.account(), new AccountId(id)));
        model.addAttribute("account", admin.account());
        return "admin/remove-member";
    }

    @PostMapping("/admin/members/{id}/remove")
    String remove(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        members.remove(admin.account(), new AccountId(id));
        return "redirect:/admin/members?done=removed";
    }

    @PostMapping("/admin/members/permissions")
    String permissions(@AuthenticationPrincipal CurrentSession admin,
                       @RequestParam(defaultValue = "false") boolean membersSeeSessions) {
        members.allowSessionList(admin.account(), membersSeeSessions);
        return "redirect:/admin/members?done=permissions";
    }

    @GetMapping("/admin/outbox")
    String outbox(@AuthenticationPrincipal CurrentSession admin, Model model) {
        members.list(admin.account(), "", 1, Optional.empty());
        // A member's own links ("this wasn't me") act in their name: an admin sees them only in mail to themself.
        model.addAttribute("mails", mailer.outbox(admin.account().team(), 50).stream()
                .map(m -> m.recipient().equalsIgnoreCase(admin.account().email()) ? m
                        : new Mailer.Kept(m.id(), m.recipient(), m.subject(), LinkTokens.redactPersonal(m.body()), m.at()))
                .toList());
        model.addAttribute("outbox", mailer.usesOutbox());
        model.addAttribute("undelivered", mailer.undelivered(admin.account().team(), 50));
        model.addAttribute("account", admin.account());
        return "admin/outbox";
    }

    static Role role(String value) {
        try {
            return Role.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AccountProblem.InvalidInput("role", "Choose a role: admin or member.");
        }
    }
}
