package dev.lanyard.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.FormErrors;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Invitation;
import dev.lanyard.account.InvitationStatus;
import dev.lanyard.account.LinkTokens;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.Members;
import dev.lanyard.account.Role;
import dev.lanyard.account.Throttled;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Cursors;
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

    /** Members, and invitations, on a page: the rest are a link away. */
    static final int PAGE = 100;
    /** Kept mails on a page of the outbox: they are long. */
    static final int OUTBOX_PAGE = 50;

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

    /**
     * Members and invitations, each a page at a time ({@code cursor} the members', {@code pending} the pending
     * invitations', {@code invitations} the others'), so that every member and every invitation can be reached (outside
     * review: the first 100 of each were all). Pending invitations come first, on their own with how many there are:
     * those are the ones an admin may still act on (outside review: they were mixed with the accepted, cancelled and
     * expired ones in one list).
     */
    @GetMapping("/admin/members")
    String page(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String member,
                @RequestParam(required = false) String cursor, @RequestParam(required = false) String pending,
                @RequestParam(required = false) String invitations, @RequestParam(required = false) String done, Model model) {
        TeamSessions.requireAdmin(admin);
        List<Account> found = members.list(admin.account(), member, PAGE + 1, Cursors.decodeEmail(cursor));
        List<Account> shown = found.subList(0, Math.min(PAGE, found.size()));
        model.addAttribute("members", shown);
        model.addAttribute("nextMembers", found.size() > PAGE ? Cursors.encode(shown.get(PAGE - 1).email()) : null);
        Members.InvitationPage waiting = members.invitations(admin.account(), EnumSet.of(InvitationStatus.PENDING), PAGE, position(pending));
        Members.InvitationPage past = members.invitations(admin.account(), EnumSet.complementOf(EnumSet.of(InvitationStatus.PENDING)),
                PAGE, position(invitations));
        Instant now = clock.instant();
        model.addAttribute("pendingInvitations", waiting.items());
        model.addAttribute("pendingCount", members.pendingInvitations(admin.account()));
        model.addAttribute("nextPending", waiting.next().map(MemberPages::cursor).orElse(null));
        model.addAttribute("invitations", past.items());
        model.addAttribute("nextInvitations", past.next().map(MemberPages::cursor).orElse(null));
        model.addAttribute("undelivered", waiting.items().stream().anyMatch(i -> i.undelivered(now)));
        model.addAttribute("now", now);
        model.addAttribute("membersSeeSessions", members.maySeeSessionListAsMember(admin.account()));
        model.addAttribute("outbox", mailer.usesOutbox());
        model.addAttribute("member", member);
        model.addAttribute("account", admin.account());
        if (done != null && DONE.containsKey(done))
            model.addAttribute("done", mailer.usesOutbox() ? KEPT.getOrDefault(done, DONE.get(done)) : DONE.get(done));
        return "admin/members";
    }

    /** The cursor of a list of invitations whose next page starts after {@code position}. */
    static String cursor(Invitation.Position position) {
        return Cursors.encode(Long.toString(position.createdAt().toEpochMilli()), position.id());
    }

    /**
     * Where a list of invitations goes on from, as {@link #cursor} wrote it; empty for the first page.
     *
     * @throws dev.lanyard.session.SessionProblem.InvalidCursor for anything else
     */
    static Optional<Invitation.Position> position(String cursor) {
        return Cursors.decode(cursor, 2).map(parts -> {
            try {
                return new Invitation.Position(Instant.ofEpochMilli(Long.parseLong(parts.get(0))), parts.get(1));
            } catch (NumberFormatException e) {
                throw new dev.lanyard.session.SessionProblem.InvalidCursor();
            }
        });
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
            return page(admin, "", null, null, null, null, model);
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
            return page(admin, "", null, null, null, null, model);
        }
    }

    @PostMapping("/admin/invitations/{id}/cancel")
    String cancel(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model, HttpServletResponse response) {
        try {
            members.cancel(admin.account(), id);
        } catch (AccountProblem.InvitationUnusable accepted) {
            response.setStatus(HttpStatus.GONE.value());
            model.addAttribute("error", accepted.getMessage());
            return page(admin, "", null, null, null, null, model);
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
            return page(admin, "", null, null, null, null, model);
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

    /**
     * The development outbox, newest first, {@value #OUTBOX_PAGE} mails a page ({@code cursor}: the page after one), and
     * the mail sent over SMTP that was given up, most recently first, as many a page ({@code undelivered}: the page after
     * one).
     */
    @GetMapping("/admin/outbox")
    String outbox(@AuthenticationPrincipal CurrentSession admin, @RequestParam(required = false) String cursor,
                  @RequestParam(required = false) String undelivered, Model model) {
        TeamSessions.requireAdmin(admin);
        List<Mailer.Kept> kept = mailer.outbox(admin.account().team(), OUTBOX_PAGE + 1, Cursors.decodeLong(cursor));
        List<Mailer.Kept> shown = kept.subList(0, Math.min(OUTBOX_PAGE, kept.size()));
        // A member's own links ("this wasn't me") act in their name: an admin sees them only in mail to themself.
        model.addAttribute("mails", shown.stream()
                .map(m -> m.recipient().equalsIgnoreCase(admin.account().email()) ? m
                        : new Mailer.Kept(m.id(), m.recipient(), m.subject(), LinkTokens.redactPersonal(m.body()), m.at()))
                .toList());
        // Older mail a link away (outside review: the 50 newest were all, with nothing to say there were more).
        model.addAttribute("olderMails", kept.size() > OUTBOX_PAGE ? Cursors.encode(shown.get(OUTBOX_PAGE - 1).id()) : null);
        model.addAttribute("outbox", mailer.usesOutbox());
        List<Mailer.Undelivered> givenUp = mailer.undelivered(admin.account().team(), OUTBOX_PAGE + 1, givenUp(undelivered));
        List<Mailer.Undelivered> givenUpShown = givenUp.subList(0, Math.min(OUTBOX_PAGE, givenUp.size()));
        model.addAttribute("undelivered", givenUpShown);
        // Mail given up earlier a link away (outside review: the 50 most recent were all, with no word of more).
        model.addAttribute("earlierUndelivered", givenUp.size() > OUTBOX_PAGE ? cursor(givenUpShown.get(OUTBOX_PAGE - 1).position()) : null);
        model.addAttribute("account", admin.account());
        return "admin/outbox";
    }

    /** The cursor of the list of given-up mail whose next page starts after {@code position}. */
    private static String cursor(Mailer.GivenUp position) {
        return Cursors.encode(Long.toString(position.at().toEpochMilli()), Long.toString(position.id()));
    }

    /**
     * Where the list of given-up mail goes on from, as {@link #cursor(Mailer.GivenUp)} wrote it; empty for the first page.
     *
     * @throws dev.lanyard.session.SessionProblem.InvalidCursor for anything else
     */
    private static Optional<Mailer.GivenUp> givenUp(String cursor) {
        return Cursors.decode(cursor, 2).map(parts -> {
            try {
                return new Mailer.GivenUp(Instant.ofEpochMilli(Long.parseLong(parts.get(0))), Long.parseLong(parts.get(1)));
            } catch (NumberFormatException e) {
                throw new dev.lanyard.session.SessionProblem.InvalidCursor();
            }
        });
    }

    static Role role(String value) {
        try {
            return Role.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AccountProblem.InvalidInput("role", "Choose a role: admin or member.");
        }
    }
}
