package dev.lanyard.apps;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.InputErrors;

/**
 * The rules of what an admin types when registering or changing an app ({@link Apps#register}, {@link Apps#change}):
 * its name, description and logo, its redirect URIs (https, http on loopback, or a native app's private-use scheme; none
 * whose query holds a parameter every answer adds), its scopes (openid among them) and its back-channel logout URI
 * ({@link ReceiverAddresses}). Every rule is checked before the draft is refused, so that its refusal names every field at
 * fault at once ({@link InputErrors}), each redirect URI on its own.
 */
final class AppInput {
    static final int MAX_REDIRECTS = 10;

    private final ReceiverAddresses receivers;

    AppInput(ReceiverAddresses receivers) {
        this.receivers = receivers;
    }

    /**
     * The draft as kept: its text stripped, its redirect URIs without duplicates, its scopes in lower case.
     *
     * @throws AppProblem.InvalidInput naming every rule the draft breaks, in the form's order
     */
    AppClient.Draft checked(AppClient.Draft draft) {
        return checked(draft, new InputErrors<>(AppProblem.InvalidInput.class));
    }

    /**
     * As {@link #checked(AppClient.Draft)}, with the refusals the caller met reading the request itself ({@code errors}:
     * the API's type) said with the draft's own, all at once.
     */
    AppClient.Draft checked(AppClient.Draft draft, InputErrors<AppProblem.InvalidInput> errors) {
        Optional<String> name = errors.read(() -> {
            String clean = text(draft.name(), "name", 100);
            if (clean.isEmpty()) throw new AppProblem.InvalidInput("name", "Give the app a name.");
            return clean;
        });
        Optional<String> description = errors.read(() -> text(draft.description(), "description", 500));
        Optional<String> logo = errors.read(() -> {
            String clean = text(draft.logoUrl(), "logoUrl", 500);
            if (!clean.isEmpty()) absolute(clean, "logoUrl", "The logo URL");
            return clean;
        });
        List<String> redirects = redirects(draft.redirectUris(), errors);
        Optional<Set<String>> scopes = errors.read(() -> scopes(draft.scopes()));
        Optional<String> backchannel = errors.read(() -> {
            String clean = text(draft.backchannelLogoutUri(), "backchannelLogoutUri", 500);
            if (clean.isEmpty()) return clean;
            try {
                receivers.check(clean, "The back-channel logout URI");
            } catch (ReceiverAddresses.Refused refused) {
                throw new AppProblem.InvalidInput("backchannelLogoutUri", refused.getMessage());
            }
            return clean;
        });
        errors.throwIfAny(AppProblem.InvalidInput::of);
        return new AppClient.Draft(name.orElseThrow(), description.orElseThrow(), logo.orElseThrow(), redirects,
                draft.confidential(), Set.copyOf(scopes.orElseThrow()), backchannel.orElseThrow());
    }

    /**
     * Whether an app of {@code type} is confidential: "confidential", or "public" (also when left out: null). Any other
     * is refused, in the API and on the form alike (outside review: the form registered "confidentail" as a public app,
     * with no secret).
     */
    static boolean confidential(String type) {
        String kind = type == null ? "public" : type.strip();
        if (!kind.equals("public") && !kind.equals("confidential")) {
            throw new AppProblem.InvalidInput("type", "The type is public or confidential.");
        }
        return kind.equals("confidential");
    }

    /**
     * The redirect URIs given, stripped, without blanks and duplicates. Each one that breaks a rule is refused as the
     * how-manyth it was given ({@link AppProblem.InvalidInput#item()}: its line on the page), so that a message that
     * cannot quote it (one that holds characters outside ASCII) still says which; more than {@link #MAX_REDIRECTS} are
     * refused as such, unchecked one by one.
     */
    private static List<String> redirects(List<String> given, InputErrors<AppProblem.InvalidInput> errors) {
        java.util.Map<String, Integer> items = new java.util.LinkedHashMap<>();
        for (int i = 0; given != null && i < given.size(); i++) {
            String uri = given.get(i) == null ? "" : given.get(i).strip();
            if (!uri.isEmpty()) items.putIfAbsent(uri, i + 1);
        }
        errors.check(() -> {
            if (items.isEmpty()) throw new AppProblem.InvalidInput("redirectUris", "Give at least one redirect URI.");
            if (items.size() > MAX_REDIRECTS) throw new AppProblem.InvalidInput("redirectUris", "Use at most " + MAX_REDIRECTS + " redirect URIs.");
        });
        if (items.size() <= MAX_REDIRECTS) items.forEach((uri, item) -> errors.check(() -> {
            try {
                redirect(uri);
            } catch (AppProblem.InvalidInput refused) {
                throw refused.at(item);
            }
        }));
        return List.copyOf(items.keySet());
    }

    /** The scopes in lower case: known ones, openid among them. */
    private static Set<String> scopes(Set<String> given) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : given == null ? Set.<String>of() : given) {
            String s = scope.strip().toLowerCase(Locale.ROOT);
            if (!AppClient.SCOPES.containsKey(s)) throw new AppProblem.InvalidInput("scopes",
                    "Unknown scope “" + scope + "”. Use " + String.join(", ", new java.util.TreeSet<>(AppClient.SCOPES.keySet())) + ".");
            scopes.add(s);
        }
        if (!scopes.contains("openid")) throw new AppProblem.InvalidInput("scopes", "Apps sign people in with OpenID Connect: include openid.");
        return scopes;
    }

    private static String text(String value, String field, int max) {
        String clean = value == null ? "" : value.strip();
        dev.lanyard.FreeText.fieldRefusal(clean, max).ifPresent(refused -> {
            throw new AppProblem.InvalidInput(field, refused);
        });
        return clean;
    }

    /** An http(s) URL: https, or http on this machine's loopback only. */
    private static URI absolute(String value, String field, String what) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new AppProblem.InvalidInput(field, what + " is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
        if (uri.getHost() == null || !("https".equals(scheme) || ("http".equals(scheme) && loopback))) {
            throw new AppProblem.InvalidInput(field, what + " must be an https URL (http only for localhost).");
        }
        if (uri.getRawFragment() != null) throw new AppProblem.InvalidInput(field, what + " cannot have a fragment (#).");
        if (uri.getRawUserInfo() != null) throw new AppProblem.InvalidInput(field, what + " cannot hold a user name or password.");
        return uri;
    }

    /** The parameters Lanyard adds to an authorization response (RFC 6749 §4.1.2, RFC 9207): none may appear twice in one. */
    private static final Set<String> ANSWER_PARAMETERS = Set.of("code", "state", "iss", "error", "error_description", "error_uri");

    /** Refuses a redirect URI whose own query holds a parameter every answer sent to it adds, which would then come twice. */
    private static void answered(String value, String rawQuery) {
        if (rawQuery == null) return;
        for (String pair : rawQuery.split("&")) {
            String name;
            try {
                name = java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” is not a valid URI.");
            }
            if (ANSWER_PARAMETERS.contains(name)) throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” cannot have “"
                    + name + "” in its query: Lanyard adds it to every answer it sends there.");
        }
    }

    /** Redirect URIs: https, http on loopback, or a native app's private-use scheme (com.example.app:/callback). */
    private static void redirect(String value) {
        // RFC 3986 §2: a URI is ASCII, anything else percent-encoded. java.net.URI takes other characters as they come,
        // and a direction control among them would show admins another address than the one kept (outside review AD).
        // Not quoted back: quoting would carry the same characters into the message.
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7F))
            throw new AppProblem.InvalidInput("redirectUris", "A redirect URI holds visible ASCII characters only: percent-encode "
                    + "any other character, space included (RFC 3986).");
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” is not a valid URI.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        answered(value, uri.getRawQuery());
        if (scheme.contains(".") && uri.getRawFragment() == null) return;
        if (Set.of("javascript", "data", "file", "vbscript").contains(scheme)) {
            throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” cannot be a redirect URI.");
        }
        absolute(value, "redirectUris", "Each redirect URI");
    }
}
