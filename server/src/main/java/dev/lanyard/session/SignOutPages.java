package dev.lanyard.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * Signing out from the sessions page (PRODUCT.md S4): one session, the selected ones, all others, or every device.
 * Each goes through a confirmation page that names what ends, so it works without JavaScript.
 */
@Controller
class SignOutPages {
    /** Where a held member is sent (the second-factor requirement's enrolment), and so where their sign-outs lead back. */
    private static final String HELD_HOME = "/settings/security";

    private final Sessions sessions;
    private final SessionEnds ends;
    private final SessionReads reads;
    private final SessionPageParts parts;
    private final SessionCookie cookie;

    SignOutPages(Sessions sessions, SessionEnds ends, SessionReads reads, SessionPageParts parts, SessionCookie cookie) {
        this.sessions = sessions;
        this.ends = ends;
        this.reads = reads;
        this.parts = parts;
        this.cookie = cookie;
    }

    @GetMapping("/settings/sessions/{id}/sign-out")
    String confirmOne(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, HttpServletRequest request,
                      Model model) {
        if (!id.equals(current.id().value())) parts.requireList(current);
        Session session = sessions.get(new SessionId(id), current.account().id());
        boolean held = held(request);
        if (!session.active()) return held ? "redirect:" + HELD_HOME : "redirect:/settings/sessions/" + id;
        model.addAttribute("account", current.account());
        model.addAttribute("back", home(request));
        if (session.id().equals(current.id())) {
            model.addAttribute("currentRefused", true);
            return "sessions/confirm";
        }
        model.addAttribute("kind", "one");
        model.addAttribute("unlisted", held);
        model.addAttribute("targets", held ? List.of() : List.of(parts.view(session, false)));
        model.addAttribute("action", "/settings/sessions/" + id + "/sign-out");
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/{id}/sign-out")
    String signOutOne(@AuthenticationPrincipal CurrentSession current, @PathVariable String id, HttpServletRequest request) {
        parts.requireList(current);
        // Ended by another tab meanwhile: the page says so rather than that this signed it out (outside review).
        String done = ends.revoke(new SessionId(id), current) ? "signed-out" : "already-signed-out";
        // A held member's page names no session; the list names this one, looked up again by its owner (SessionPageParts).
        if (held(request)) return "redirect:" + HELD_HOME + "?done=" + done;
        return "redirect:/settings/sessions?done=" + done + "&session=" + UriUtils.encodeQueryParam(id, StandardCharsets.UTF_8);
    }

    /**
     * "Sign out selected": the chosen sign-ins, after a confirmation that names them. Keys have no checkbox; a
     * request that names one anyway is refused whole (409) with a page naming the key, and nothing is signed out.
     */
    @PostMapping("/settings/sessions/sign-out-selected")
    String signOutSelected(@AuthenticationPrincipal CurrentSession current,
                           @RequestParam(name = "ids", required = false) List<String> ids,
                           @RequestParam(defaultValue = "false") boolean confirmed, Model model, HttpServletResponse response) {
        parts.requireList(current);
        List<SessionId> chosen = ids == null ? List.of() : ids.stream().distinct().limit(Sessions.MAX_PAGE)
                .map(SessionId::new).filter(i -> !i.equals(current.id())).toList();
        if (chosen.isEmpty()) return "redirect:/settings/sessions?done=nothing-selected";
        // Someone else's id, or a typo, is not found: nothing to list, nothing to end.
        Map<SessionId, Session> byId = sessions.find(current.account().id(), chosen);
        List<Session> found = chosen.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
        model.addAttribute("account", current.account());
        try {
            SessionEnds.refuseKeys(found);
            if (confirmed) {
                // Ended meanwhile, someone else's, or no session at all: nothing is signed out, and the page says so.
                List<SessionId> ended = found.stream().noneMatch(Session::active) ? List.of() : ends.revoke(chosen, current);
                if (ended.isEmpty()) return "redirect:/settings/sessions?done=none-signed-in";
                return "redirect:/settings/sessions?done=signed-out-selected&count=" + ended.size();
            }
        } catch (SessionProblem.KeysSelected keys) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("kind", "keys");
            model.addAttribute("targets", found.stream().filter(Session::apiKey).map(s -> parts.view(s, false)).toList());
            model.addAttribute("message", keys.getMessage());
            return "sessions/confirm";
        }
        List<SessionView> targets = found.stream().filter(Session::active).map(s -> parts.view(s, false)).toList();
        if (targets.isEmpty()) return "redirect:/settings/sessions?done=none-signed-in";
        model.addAttribute("kind", "selected");
        model.addAttribute("targets", targets);
        model.addAttribute("action", "/settings/sessions/sign-out-selected");
        return "sessions/confirm";
    }

    @GetMapping("/settings/sessions/sign-out-others")
    String confirmOthers(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request, Model model) {
        parts.requireList(current);
        boolean held = held(request);
        model.addAttribute("account", current.account());
        model.addAttribute("kind", "others");
        model.addAttribute("action", "/settings/sessions/sign-out-others");
        model.addAttribute("back", home(request));
        model.addAttribute("unlisted", held);
        if (held) {
            // Ending them is open to a held member; reading them is not: neither the sessions nor how many.
            model.addAttribute("targets", List.of());
            model.addAttribute("keysKept", 0);
            return "sessions/confirm";
        }
        List<SessionView> others = others(current);
        List<SessionView> signIns = signIns(others);
        model.addAttribute("targets", signIns);
        model.addAttribute("keysKept", others.size() - signIns.size());
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/sign-out-others")
    String signOutOthers(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request) {
        parts.requireList(current);
        ends.revokeOthers(current);
        return "redirect:" + home(request) + "?done=signed-out-others";
    }

    /**
     * Every sign-in ends, this one included. A member the team's admins restricted (T5) sees this device listed and how
     * many others of theirs end with it, not which; a held member learns neither, yet is told the others end too.
     */
    @GetMapping("/settings/sessions/sign-out-all")
    String confirmAll(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request, Model model) {
        boolean held = held(request);
        List<SessionView> targets = new ArrayList<>();
        targets.add(parts.view(sessions.current(current), true));
        if (held) {
            model.addAttribute("unlisted", true);
        } else if (parts.maySeeList(current)) {
            targets.addAll(signIns(others(current)));
        } else {
            ListFilter.Counts others = reads.countsOfOthers(current);
            model.addAttribute("restricted", true);
            model.addAttribute("unlistedCount", others.verified() + others.unverified());
        }
        model.addAttribute("account", current.account());
        model.addAttribute("kind", "all");
        model.addAttribute("targets", targets);
        model.addAttribute("back", home(request));
        model.addAttribute("action", "/settings/sessions/sign-out-all");
        return "sessions/confirm";
    }

    @PostMapping("/settings/sessions/sign-out-all")
    String signOutAll(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request,
                      HttpServletResponse response, RedirectAttributes redirect) {
        ends.revokeAll(current);
        cookie.clear(request, response);
        return "redirect:/login?out=all";
    }

    private List<SessionView> others(CurrentSession current) {
        return sessions.active(current.account().id(), ListFilter.ALL, Sessions.MAX_PAGE, Optional.empty()).items().stream()
                .filter(s -> !s.id().equals(current.id())).map(s -> parts.view(s, false)).toList();
    }

    /** What "sign out others" and "log out all devices" end: sign-ins, not API keys (decision 0018). */
    private static List<SessionView> signIns(List<SessionView> views) {
        return views.stream().filter(v -> !v.session().apiKey()).toList();
    }

    /**
     * Whether a team rule holds the member and let this request through only to end sessions ({@link SessionFilter#HELD}):
     * its pages then name no other session, and lead back to where the member is held.
     */
    private static boolean held(HttpServletRequest request) {
        return request.getAttribute(SessionFilter.HELD) != null;
    }

    /** Where a sign-out page leads back to: the sessions page, or where a held member is held. */
    private static String home(HttpServletRequest request) {
        return held(request) ? HELD_HOME : "/settings/sessions";
    }
}
