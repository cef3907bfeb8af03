package dev.lanyard.apps;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.lanyard.session.CurrentSession;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The consent screen the authorize endpoint sends a member to: it names the app, says what it
 * does, and the scopes in plain words. Allow and Deny post back to the authorize endpoint.
 */
@Controller
class ConsentPage {
    /** Lanyard's page policy, with the app's own addresses added to form-action: the answer to the form redirects there. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'%s; "
            + "frame-ancestors 'none'";

    private final Apps apps;

    ConsentPage(Apps apps) {
        this.apps = apps;
    }

    record ScopeView(String name, String meaning) {
    }

    @GetMapping(AuthorizationServerConfiguration.CONSENT_PAGE)
    String consent(@AuthenticationPrincipal CurrentSession member, @RequestParam(name = "client_id", defaultValue = "") String clientId,
                   @RequestParam(defaultValue = "") String scope, @RequestParam(defaultValue = "") String state,
                   Model model, HttpServletResponse response) {
        AppClient app = apps.byClientId(clientId).filter(a -> a.team().equals(member.account().team())).orElse(null);
        if (app == null || state.isEmpty()) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            model.addAttribute("account", member.account());
            model.addAttribute("message", "This sign-in request is not valid. Go back to the app and try again.");
            return "apps/consent-invalid";
        }
        Set<String> requested = new LinkedHashSet<>(List.of(scope.strip().split(" +")));
        requested.removeIf(s -> s.isEmpty() || !app.scopes().contains(s));
        List<ScopeView> scopes = requested.stream().sorted()
                .map(s -> new ScopeView(s, AppClient.SCOPES.getOrDefault(s, s))).toList();
        response.setHeader("Content-Security-Policy", CSP.formatted(origins(app)));
        model.addAttribute("account", member.account());
        model.addAttribute("app", app);
        model.addAttribute("scopes", scopes);
        // A public app gets no refresh token (PKCE only), so "Stay connected" would promise what it cannot do: not shown,
        // though allowed with the rest, so the remembered consent still covers what the app asks for (outside review S).
        model.addAttribute("shown", app.confidential() ? scopes
                : scopes.stream().filter(s -> !s.name().equals(AuthorizationServerConfiguration.OFFLINE_ACCESS)).toList());
        model.addAttribute("state", state);
        return "apps/consent";
    }

    /**
     * The origins of the app's redirect URIs, as CSP sources. An http redirect to a loopback IP literal is taken on any
     * port (RFC 8252 7.3, as the authorize endpoint takes it), so its source is any port: without one, a CSP source
     * means port 80 alone, and the browser would refuse to send Allow or Deny to a native app (outside QA AH). A CSP
     * source cannot name an IPv6 address ({@code http://[::1]} is dropped as invalid, outside QA AI), so a redirect to
     * {@code [::1]} makes the source the scheme {@code http:}, on this app's consent page only.
     */
    static String origins(AppClient app) {
        StringBuilder sources = new StringBuilder();
        for (String redirect : app.redirectUris()) {
            URI uri = URI.create(redirect);
            if (uri.getHost() != null && uri.getHost().startsWith("[")) {
                sources.append(' ').append(uri.getScheme()).append(':');
            } else if (uri.getHost() != null) {
                boolean anyPort = "http".equals(uri.getScheme()) && "127.0.0.1".equals(uri.getHost());
                sources.append(' ').append(uri.getScheme()).append("://").append(uri.getHost())
                        .append(anyPort ? ":*" : uri.getPort() == -1 ? "" : ":" + uri.getPort());
            } else if (uri.getScheme() != null) {
                sources.append(' ').append(uri.getScheme()).append(':');
            }
        }
        return sources.toString();
    }
}
