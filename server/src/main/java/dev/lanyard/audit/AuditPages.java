package dev.lanyard.audit;

import java.util.List;
import java.util.Optional;

import dev.lanyard.FormErrors;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Role;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Cursors;
import dev.lanyard.session.Download;
import dev.lanyard.session.Downloads;
import dev.lanyard.session.SessionProblem;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member's own account activity ({@code /settings/activity}) and the team's audit log for its
 * admins ({@code /admin/audit}), with filters, pages of {@link AuditLog#MAX_PAGE} entries, exports
 * and verification. Admin pages act on the admin's own team; no parameter names a team.
 */
@Controller
class AuditPages {
    private final AuditLog audit;
    private final JsonMapper json;
    private final Downloads downloads;

    AuditPages(AuditLog audit, JsonMapper json, Downloads downloads) {
        this.downloads = downloads;
        this.audit = audit;
        this.json = json;
    }

    @GetMapping("/settings/activity")
    String activity(@AuthenticationPrincipal CurrentSession current, AuditFilters filters,
                    @RequestParam(required = false) String cursor, Model model, HttpServletResponse response) {
        model.addAttribute("admin", false);
        filters = read(filters, model);
        try {
            AuditQuery query = filters.own(current.account().team(), current.account().id());
            return list(current, query, filters, cursor, model);
        } catch (AccountProblem.InvalidInput | SessionProblem.InvalidCursor invalid) {
            return refused(current, filters, invalid, model, response);
        }
    }

    @GetMapping("/admin/audit")
    String team(@AuthenticationPrincipal CurrentSession current, AuditFilters filters,
                @RequestParam(required = false) String cursor, Model model, HttpServletResponse response) {
        requireAdmin(current);
        model.addAttribute("admin", true);
        filters = read(filters, model);
        try {
            return list(current, filters.team(current.account().team()), filters, cursor, model);
        } catch (AccountProblem.InvalidInput | SessionProblem.InvalidCursor invalid) {
            return refused(current, filters, invalid, model, response);
        }
    }

    /** Recomputes the team's chain and shows the result above the newest entries. Changes nothing. */
    @PostMapping("/admin/audit/verify")
    String verify(@AuthenticationPrincipal CurrentSession current, Model model) {
        requireAdmin(current);
        AuditLog.Verification result = audit.verify(current.account().team());
        model.addAttribute("admin", true);
        model.addAttribute("verified", result instanceof AuditLog.Verification.Intact);
        model.addAttribute("verification", message(result));
        AuditFilters none = read(AuditFilters.NONE, model);
        return list(current, none.team(current.account().team()), none, null, model);
    }

    @GetMapping("/settings/activity/export")
    Download exportOwn(@AuthenticationPrincipal CurrentSession current,
                       @RequestParam(defaultValue = "csv") String format, AuditFilters filters) {
        AuditQuery query = filters.forPage().own(current.account().team(), current.account().id());
        return downloads.limited(current.account().id(),
                () -> AuditExport.of(audit, query, new Viewer(current.account().id()), format, "activity", json));
    }

    @GetMapping("/admin/audit/export")
    Download exportTeam(@AuthenticationPrincipal CurrentSession current,
                        @RequestParam(defaultValue = "csv") String format, AuditFilters filters) {
        requireAdmin(current);
        return downloads.limited(current.account().id(), () -> AuditExport.of(audit, filters.forPage().team(current.account().team()),
                new Viewer(current.account().id()), format, "audit-log", json));
    }

    /**
     * The filters as the page reads them ({@link AuditFilters#forPage}): days in the zone the browser's script sent, or
     * in UTC. Whether a zone came at all tells the script whether the page's "Days in …" already answers its request. A
     * zone Lanyard does not know is said above the log (outside review: the log was shown in UTC without a word).
     */
    private static AuditFilters read(AuditFilters filters, Model model) {
        model.addAttribute("zoneGiven", !filters.zone().isEmpty());
        filters.unknownZone().ifPresent(notice -> model.addAttribute("notice", notice));
        return filters.forPage();
    }

    private String list(CurrentSession current, AuditQuery query, AuditFilters filters, String cursor, Model model) {
        Optional<Long> after = AuditFilters.cursor(cursor);
        AuditLog.Page page = audit.page(query, AuditLog.MAX_PAGE, after);
        Viewer viewer = new Viewer(current.account().id());
        model.addAttribute("entries", page.items().stream().map(e -> AuditView.of(e, viewer)).toList());
        model.addAttribute("nextCursor", page.nextCursor().map(Cursors::encode).orElse(null));
        return page(current, filters, model);
    }

    private String refused(CurrentSession current, AuditFilters filters, RuntimeException invalid, Model model,
                           HttpServletResponse response) {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        model.addAttribute("error", invalid.getMessage());
        if (invalid instanceof AccountProblem.InvalidInput filter) FormErrors.field(model, filter.field(), filter.getMessage());
        model.addAttribute("entries", List.of());
        return page(current, filters, model);
    }

    private String page(CurrentSession current, AuditFilters filters, Model model) {
        boolean admin = Boolean.TRUE.equals(model.getAttribute("admin"));
        model.addAttribute("base", admin ? "/admin/audit" : "/settings/activity");
        model.addAttribute("filters", filters);
        model.addAttribute("actions", AuditAction.values());
        model.addAttribute("account", current.account());
        return "audit/log";
    }

    static String message(AuditLog.Verification result) {
        if (result instanceof AuditLog.Verification.Broken broken) {
            return "The audit log was tampered with at entry " + broken.at() + ". " + broken.detail() + " "
                    + (broken.checked() == 1 ? "The entry before it checks out." : broken.checked() == 0
                    ? "No entry before it checks out." : "The " + broken.checked() + " entries before it check out.");
        }
        long n = result.checked();
        long first = result instanceof AuditLog.Verification.Intact intact ? intact.first() : 1;
        return n == 0 ? "The audit log has no entries yet; there is nothing to verify."
                : "The audit log is intact: " + (n == 1 ? "its entry checks out" : "all " + n + " entries check out")
                + (first > 1 ? ", from entry " + first + " (older ones were removed by the audit retention)" : ", from the first")
                + " to the newest.";
    }

    static void requireAdmin(CurrentSession current) {
        if (current.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
    }
}
