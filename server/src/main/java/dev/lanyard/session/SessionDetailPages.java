package dev.lanyard.session;

import dev.lanyard.FormErrors;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** A session's own page (PRODUCT.md S2, S3, E1–E6): its details and timeline, its name and its sign-in alerts. */
@Controller
class SessionDetailPages {
    private final Sessions sessions;
    private final SessionChanges changes;
    private final SessionStarts starts;
    private final SessionPageParts parts;
    private final Timeline timeline;
    private final Approvals approvals;

    SessionDetailPages(Sessions sessions, SessionChanges changes, SessionStarts starts, SessionPageParts parts, Timeline timeline,
                       Approvals approvals) {
        this.sessions = sessions;
        this.changes = changes;
        this.starts = starts;
        this.parts = parts;
        this.timeline = timeline;
        this.approvals = approvals;
    }

    @GetMapping("/settings/sessions/{id}")
    String details(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                   @RequestParam(required = false) String done, @RequestParam(required = false) String error, Model model) {
        if (!id.equals(current.id().value())) parts.requireList(current);
        SessionPageParts.tell(model, done);
        return detailsPage(current, sessions.get(new SessionId(id), current.account().id()), model);
    }

    /** A session's details page, as its owner sees it. */
    private String detailsPage(CurrentSession current, Session session, Model model) {
        model.addAttribute("s", parts.view(session, session.id().equals(current.id())));
        model.addAttribute("alertsElsewhere", session.active() && alertsElsewhere(current, session.id()));
        model.addAttribute("timeline", timeline.of(session));
        model.addAttribute("remembered", remembered(session));
        model.addAttribute("endedWhy", session.active() ? null : parts.endedBy(session, current));
        model.addAttribute("account", current.account());
        boolean approvable = session.active() && !session.verified() && Approvals.approvable(session)
                && !session.id().equals(current.id()) && approvals.mayApprove(current);
        model.addAttribute("approvable", approvable);
        // "It signed in from … in <place>": the sign-in's place, which the details above may no longer be.
        if (approvable) model.addAttribute("signInPlace",
                approvals.asSignedIn(current.account().id(), java.util.List.of(session)).get(0).location());
        return "sessions/details";
    }

    @PostMapping("/settings/sessions/{id}/name")
    String rename(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                  @RequestParam(defaultValue = "") String name, Model model, HttpServletResponse response) {
        if (!id.equals(current.id().value())) parts.requireList(current);
        try {
            changes.rename(new SessionId(id), current.account().id(), name);
        } catch (SessionProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", invalid.getMessage());
            FormErrors.field(model, invalid.field(), invalid.getMessage());
            model.addAttribute("proposedName", name);
            return detailsPage(current, sessions.get(new SessionId(id), current.account().id()), model);
        }
        return "redirect:/settings/sessions/" + id + "?done=renamed";
    }

    /**
     * The session's sign-in alerts switch: the form sends {@code alerts} true or false. Anything else, or nothing, changes
     * nothing and the page says so (outside review: a value Spring could not read as true or false was a bare "The
     * request was not valid", and none at all turned the alerts off).
     */
    @PostMapping("/settings/sessions/{id}/alerts")
    String alerts(@AuthenticationPrincipal CurrentSession current, @PathVariable String id,
                  @RequestParam(required = false) String alerts, Model model, HttpServletResponse response) {
        if (!id.equals(current.id().value())) parts.requireList(current);
        SessionId session = new SessionId(id);
        if (!"true".equals(alerts) && !"false".equals(alerts)) {
            Session shown = sessions.get(session, current.account().id());
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", "The sign-in alerts switch sent neither on nor off, so nothing was changed. "
                    + "Use its button below.");
            return detailsPage(current, shown, model);
        }
        boolean on = alerts.equals("true");
        changes.setAlerts(session, current.account().id(), on);
        String done = on ? "alerts-on" : alertsElsewhere(current, session) ? "alerts-off" : "alerts-off-everywhere";
        return "redirect:/settings/sessions/" + id + "?done=" + done;
    }

    /** Whether a sign-in other than {@code session} has sign-in alerts on: a new device's alert is mailed only while one has. */
    private boolean alertsElsewhere(CurrentSession current, SessionId session) {
        return sessions.anyOtherSignIn(current.account().id(), session, Session::alerts);
    }

    /**
     * Whether the session is remembered now: ticked at sign-in, and allowed by the team and for the member (an open
     * session's lifetime was cut when either stopped allowing it; outside QA: the page still said "Yes").
     */
    private String remembered(Session session) {
        if (!session.rememberMe()) return "No";
        if (!session.active() || starts.memberPolicy(session.account()).remembers(true)) return "Yes";
        return "No: ticked at sign-in, but \u201cRemember me\u201d is not allowed now, so it lasts as long as any session";
    }
}
