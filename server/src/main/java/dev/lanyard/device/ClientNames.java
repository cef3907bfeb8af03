package dev.lanyard.device;

import java.util.Locale;
import java.util.Map;

/**
 * The names the makers of well-known HTTP clients and browsers use, where the user-agent rules give a name shaped from
 * the header ("Okhttp", "Go http client", "Python-Requests", "SamsungBrowser"): a member should recognise their own
 * script on the sessions page (outside review AC). Looked up by the name with case, spaces, hyphens and underscores
 * ignored; a name not listed stays as the rules give it.
 */
final class ClientNames {
    /**
     * A name, whether the version the header carries is the client's own (Go's is the HTTP version), and whether it is
     * an HTTP library (a script: shown as "Script or bot" whatever class the rules gave it) rather than a browser.
     */
    private record Named(String name, boolean versioned, boolean script) {
        Named(String name, boolean versioned) {
            this(name, versioned, true);
        }
    }

    /** The first product of a User-Agent ({@code undici}, {@code python-httpx/0.27.0}): its name and major version. */
    private static final java.util.regex.Pattern FIRST_PRODUCT = java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9._-]*)(?:/(\\d+))?");

    private static final Map<String, Named> NAMES = Map.ofEntries(
            Map.entry("curl", new Named("curl", true)),
            Map.entry("wget", new Named("Wget", true)),
            Map.entry("okhttp", new Named("OkHttp", true)),
            Map.entry("gohttpclient", new Named("Go HTTP client", false)),
            Map.entry("pythonrequests", new Named("Python Requests", true)),
            Map.entry("pythonurllib", new Named("Python urllib", true)),
            Map.entry("pythonhttpx", new Named("Python HTTPX", true)),
            Map.entry("aiohttp", new Named("aiohttp", true)),
            Map.entry("postmanruntime", new Named("Postman", true)),
            Map.entry("insomnia", new Named("Insomnia", true)),
            Map.entry("httpie", new Named("HTTPie", true)),
            Map.entry("apachehttpclient", new Named("Apache HttpClient", true)),
            Map.entry("javahttpclient", new Named("Java HTTP client", true)),
            Map.entry("axios", new Named("axios", true)),
            Map.entry("nodefetch", new Named("node-fetch", true)),
            Map.entry("undici", new Named("Node.js fetch", true)),
            Map.entry("node", new Named("Node.js", true)),
            Map.entry("samsungbrowser", new Named("Samsung Internet", true, false)),
            // An iOS app's web view the rules name no app of: the version they give is WebKit's build.
            Map.entry("uiwebview", new Named("UIWebView", false, false)));

    private ClientNames() {
    }

    /** The client's usual name for {@code name} as the rules gave it, or {@code name} itself. */
    static String name(String name) {
        Named named = NAMES.get(key(name));
        return named == null ? name : named.name();
    }

    /** The version to show: none where the header's is not the client's own. */
    static String version(String name, String version) {
        Named named = NAMES.get(key(name));
        return named == null || named.versioned() ? version : "";
    }

    /** Whether {@code name} (as the rules gave it) is an HTTP library's. */
    static boolean script(String name) {
        Named named = NAMES.get(key(name));
        return named != null && named.script();
    }

    /**
     * For a User-Agent the rules could not name: the listed client its first product names, as {name, major version}
     * (outside re-check AF: {@code undici}, Node's fetch, was an unknown device); empty when it names none listed.
     */
    static java.util.Optional<String[]> firstProduct(String userAgent) {
        java.util.regex.Matcher product = FIRST_PRODUCT.matcher(userAgent == null ? "" : userAgent.strip());
        if (!product.find() || !NAMES.containsKey(key(product.group(1)))) return java.util.Optional.empty();
        return java.util.Optional.of(new String[] {product.group(1), product.group(2) == null ? "" : product.group(2)});
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
    }
}
