package dev.lanyard.apps;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.lanyard.FieldErrors;
import dev.lanyard.FormErrors;
import dev.lanyard.InputErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.handover.SecretHandover;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Apps pages: the team's registered apps (admins) and each member's connected apps. Registering answers with a
 * redirect to the page that shows a confidential app's secret once ({@link SecretHandover}), so a reload neither
 * registers a second app nor shows the secret again.
 */
@Controller
class AppPages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Apps apps;
    private final Accounts accounts;
    private final SecretHandover handover;

    AppPages(Apps apps, Accounts accounts, SecretHandover handover) {
        this.apps = apps;
        this.accounts = accounts;
        this.handover = handover;
    }

    /**
     * A consent as an admin reads it: the member's name and address (a former member's none), as the Members page shows a
     * member; {@code at} for the page's {@code <time datetime>}.
     */
    record ConsentView(String name, String email, String scopes, String consentedAt, java.time.Instant at) {
    }

    /** A connected app as its member reads it. */
    record ConnectedView(AppClient app, List<String> scopes, String consentedAt, String lastActivity, List<Session> sessions,
                         java.time.Instant consentedAtInstant, java.time.Instant lastActivityAt) {
        /** How many of the app's sessions are still active: what revoking ends. */
        public long activeSessions() {
            return sessions.stream().filter(Session::active).count();
        }
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    private static void requireAdmin(CurrentSession current) {
        if (current.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
    }

    @GetMapping("/admin/apps")
    String list(@AuthenticationPrincipal CurrentSession admin, @RequestParam(required = false) String done, Model model) {
        requireAdmin(admin);
        if ("deleted".equals(done)) model.addAttribute("done", "The app was deleted. Every member's access to it ended.");
        return listPage(admin, model, new AppClient.Draft("", "", "", List.of(), false, Set.of("openid", "profile", "email"), ""));
    }

    private String listPage(CurrentSession admin, Model model, AppClient.Draft form) {
        model.addAttribute("account", admin.account());
        model.addAttribute("apps", apps.list(admin));
        model.addAttribute("form", form);
        model.addAttribute("redirects", String.join("\n", form.redirectUris()));
        model.addAttribute("allScopes", new TreeSet<>(AppClient.SCOPES.keySet()));
        return "apps/admin-list";
    }

    @PostMapping("/admin/apps")
    String register(@AuthenticationPrincipal CurrentSession admin, @RequestParam(defaultValue = "") String name,
                    @RequestParam(defaultValue = "") String description, @RequestParam(defaultValue = "") String logoUrl,
                    @RequestParam(defaultValue = "") String redirectUris, @RequestParam(required = false) String type,
                    @RequestParam(required = false) List<String> scopes, @RequestParam(defaultValue = "") String backchannelLogoutUri,
                    Model model, HttpServletRequest request, HttpServletResponse response) {
        requireAdmin(admin);
        // A type that is neither is refused with the form's other faults; the form comes back with public chosen.
        InputErrors<AppProblem.InvalidInput> errors = new InputErrors<>(AppProblem.InvalidInput.class);
        boolean confidential = errors.read(() -> AppInput.confidential(type)).orElse(false);
        AppClient.Draft draft = new AppClient.Draft(name, description, logoUrl, lines(redirectUris), confidential,
                scopes == null ? Set.of() : Set.copyOf(scopes), backchannelLogoutUri);
        try {
            // Post/Redirect/Get, as a new API key: a confidential app's secret waits, sealed, for the one page that shows
            // it, never in the URL; kept in the registering transaction, so a reload or Back registers nothing more.
            AppClient.Registered registered = apps.register(admin, draft, errors,
                    made -> made.secret().ifPresent(secret -> handover.hold(admin.id(), made.client().id(), secret, request, response)));
            return "redirect:/admin/apps/" + registered.client().id() + "/registered";
        } catch (AppProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            FormErrors.add(model, asTheFormSaysIt(invalid), Map.of());
            return listPage(admin, model, draft);
        }
    }

    /**
     * The page after registering an app: a confidential app's secret the first time this browser session opens it,
     * within a few minutes ({@link SecretHandover}); after that (a reload, another tab, another admin) the client id
     * and what to do if the secret was lost.
     */
    @GetMapping("/admin/apps/{id}/registered")
    String registered(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model,
                      HttpServletRequest request, HttpServletResponse response) {
        AppClient app = apps.get(admin, id);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        model.addAttribute("account", admin.account());
        model.addAttribute("app", app);
        if (app.confidential()) handover.take(admin.id(), app.id(), request, response).ifPresent(secret -> model.addAttribute("secret", secret));
        return "apps/admin-registered";
    }

    @GetMapping("/admin/apps/{id}")
    String details(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam(required = false) String done,
                   Model model) {
        AppClient app = apps.get(admin, id);
        if ("saved".equals(done)) model.addAttribute("done", "Saved.");
        if ("revoked".equals(done)) model.addAttribute("done", "Access revoked for every member. Their sessions with the app ended.");
        return detailsPage(admin, app, model, new AppClient.Draft(app.name(), app.description(), app.logoUrl(), app.redirectUris(),
                app.confidential(), app.scopes(), app.backchannelLogoutUri().orElse("")));
    }

    private String detailsPage(CurrentSession admin, AppClient app, Model model, AppClient.Draft form) {
        model.addAttribute("account", admin.account());
        model.addAttribute("app", app);
        model.addAttribute("form", form);
        model.addAttribute("redirects", String.join("\n", form.redirectUris()));
        model.addAttribute("allScopes", new TreeSet<>(AppClient.SCOPES.keySet()));
        model.addAttribute("consents", apps.consents(admin, app.id()).stream().map(c -> {
            var member = accounts.find(new AccountId(c.accountId()));
            return new ConsentView(member.map(a -> a.name()).orElse("A former member"), member.map(a -> a.email()).orElse(""),
                    String.join(", ", new TreeSet<>(c.scopes())), time(c.consentedAt()), c.consentedAt());
        }).toList());
        model.addAttribute("created", time(app.createdAt()));
        model.addAttribute("createdAt", app.createdAt());
        return "apps/admin-details";
    }

    @PostMapping("/admin/apps/{id}")
    String change(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String description, @RequestParam(defaultValue = "") String logoUrl,
                  @RequestParam(defaultValue = "") String redirectUris, @RequestParam(required = false) List<String> scopes,
                  @RequestParam(defaultValue = "") String backchannelLogoutUri, Model model, HttpServletResponse response) {
        AppClient app = apps.get(admin, id);
        AppClient.Draft draft = new AppClient.Draft(name, description, logoUrl, lines(redirectUris), app.confidential(),
                scopes == null ? Set.of() : Set.copyOf(scopes), backchannelLogoutUri);
        try {
            apps.change(admin, id, draft);
            return "redirect:/admin/apps/" + app.id() + "?done=saved";
        } catch (AppProblem.InvalidInput invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            FormErrors.add(model, asTheFormSaysIt(invalid), Map.of());
            return detailsPage(admin, app, model, draft);
        }
    }

    /** The confirmation before an admin revokes every member's access to the app (outside QA: one click did). */
    @GetMapping("/admin/apps/{id}/revoke")
    String confirmRevokeForEveryone(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model) {
        return confirmForEveryone(admin, id, "revoke", model);
    }

    /** The confirmation before an admin deletes the app. */
    @GetMapping("/admin/apps/{id}/delete")
    String confirmDelete(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, Model model) {
        return confirmForEveryone(admin, id, "delete", model);
    }

    private String confirmForEveryone(CurrentSession admin, String id, String kind, Model model) {
        AppClient app = apps.get(admin, id);
        model.addAttribute("account", admin.account());
        model.addAttribute("app", app);
        int allowed = apps.consents(admin, app.id()).size(); // read up to Apps.MAX_APPS
        model.addAttribute("allowed", allowed >= Apps.MAX_APPS ? allowed + " or more" : Integer.toString(allowed));
        model.addAttribute("kind", kind);
        return "apps/admin-confirm";
    }

    @PostMapping("/admin/apps/{id}/revoke")
    String revokeForEveryone(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        apps.revokeForEveryone(admin, id);
        return "redirect:/admin/apps/" + id + "?done=revoked";
    }

    @PostMapping("/admin/apps/{id}/delete")
    String delete(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        apps.delete(admin, id);
        return "redirect:/admin/apps?done=deleted";
    }

    @GetMapping("/settings/apps")
    String connected(@AuthenticationPrincipal CurrentSession member, @RequestParam(required = false) String done, Model model) {
        if ("revoked".equals(done)) model.addAttribute("done", "Access revoked. The app was signed out and must ask you again.");
        model.addAttribute("account", member.account());
        model.addAttribute("apps", apps.connected(member).stream().map(AppPages::view).toList());
        return "apps/connected";
    }

    private static ConnectedView view(Apps.Connected c) {
        return new ConnectedView(c.app(), c.consent().scopes().stream().sorted().map(s -> AppClient.SCOPES.getOrDefault(s, s)).toList(),
                time(c.consent().consentedAt()), c.lastActivity().map(AppPages::time).orElse("Never"), c.sessions(),
                c.consent().consentedAt(), c.lastActivity().orElse(null));
    }

    /** The confirmation before a member revokes an app's access; an app they did not connect is not found. */
    @GetMapping("/settings/apps/{id}/revoke")
    String confirmRevoke(@AuthenticationPrincipal CurrentSession member, @PathVariable String id, Model model) {
        model.addAttribute("account", member.account());
        model.addAttribute("c", view(apps.connected(member, id)));
        return "apps/revoke";
    }

    @PostMapping("/settings/apps/{id}/revoke")
    String revoke(@AuthenticationPrincipal CurrentSession member, @PathVariable String id) {
        apps.revokeAccess(member, id);
        return "redirect:/settings/apps?done=revoked";
    }

    /**
     * A refused app as its form says it: every rule broken, each next to its field, and a redirect URI's by its line in
     * the form as it comes back (blank lines dropped, as {@link #lines} drops them), since a URI with a character outside
     * ASCII is not quoted.
     */
    private static FieldErrors asTheFormSaysIt(AppProblem.InvalidInput invalid) {
        List<FieldErrors.FieldError> each = invalid.all().stream().map(one -> new FieldErrors.FieldError(one.field(),
                one.item().isPresent() ? "Line " + one.item().getAsInt() + ": " + one.unnumbered() : one.getMessage())).toList();
        return () -> each;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
