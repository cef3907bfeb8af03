package dev.lanyard.session;

import java.nio.charset.StandardCharsets;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.util.UriUtils;

/**
 * "Approve this sign-in?" on the sessions page of a verified session (PRODUCT.md V2): Approve makes the new
 * session verified, Deny signs it out. Works without JavaScript; the member's other pages refresh live. A sign-in that
 * expired while its card was open is neither: the page says it had expired, whether the sweep has ended it yet or not.
 */
@Controller
class ApprovalPages {
    private final Approvals approvals;
    private final dev.lanyard.account.Members members;

    ApprovalPages(Approvals approvals, dev.lanyard.account.Members members) {
        this.approvals = approvals;
        this.members = members;
    }

    @PostMapping("/settings/sessions/{id}/approve")
    String approve(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        requireList(current);
        // Expired while its card was open: the page names it and says it had expired, as Deny does.
        if (!approvals.approve(new SessionId(id), current)) return alreadyEnded(id);
        return "redirect:/settings/sessions?done=approved";
    }

    @PostMapping("/settings/sessions/{id}/deny")
    String deny(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        requireList(current);
        // Denied from another page, or expired meanwhile: the page names it and says how it had ended.
        if (!approvals.deny(new SessionId(id), current)) return alreadyEnded(id);
        return "redirect:/settings/sessions?done=denied";
    }

    private static String alreadyEnded(String id) {
        return "redirect:/settings/sessions?done=already-signed-out&session=" + UriUtils.encodeQueryParam(id, StandardCharsets.UTF_8);
    }

    /** Restricted members (T5) may look at and act on their current session only. */
    private void requireList(CurrentSession current) {
        if (!members.maySeeSessionList(current.account())) throw new SessionProblem.Restricted();
    }
}
