package dev.lanyard.starter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lanyard's metadata, fetched once and kept: the OpenID Connect discovery document and the Shared
 * Signals transmitter configuration. A fetch that fails is tried again on the next call, so an app
 * that starts before Lanyard works as soon as Lanyard is up.
 */
public class LanyardEndpoints {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final LanyardProperties properties;
    private final HttpClient http;
    private volatile Map<String, Object> openid;
    private volatile Map<String, Object> ssf;

    public LanyardEndpoints(LanyardProperties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpClient http() {
        return http;
    }

    /** The OpenID Connect discovery document; its {@code issuer} must be {@code lanyard.url}. */
    public Map<String, Object> openidConfiguration() {
        Map<String, Object> doc = openid;
        if (doc == null) {
            doc = getJson(URI.create(properties.issuer() + "/.well-known/openid-configuration"));
            if (!properties.issuer().equals(doc.get("issuer")))
                throw new LanyardUnavailable("Lanyard's discovery document names issuer " + doc.get("issuer") + ", not lanyard.url " + properties.issuer()
                        + ": start Lanyard with " + namingThisUrl() + " (it sets both its issuers), or give the app "
                        + "the URL Lanyard names");
            openid = doc;
        }
        return doc;
    }

    /** The Shared Signals transmitter configuration ({@code /.well-known/ssf-configuration}). */
    public Map<String, Object> ssfConfiguration() {
        Map<String, Object> doc = ssf;
        if (doc == null) {
            doc = getJson(URI.create(properties.issuer() + "/.well-known/ssf-configuration"));
            Object issuer = doc.get("issuer");
            if (issuer != null && !properties.issuer().equals(issuer))
                throw new LanyardUnavailable("Lanyard's SSF configuration names issuer " + issuer + ", not lanyard.url " + properties.issuer()
                        + ": until they agree this app gets no revocations through Shared Signals. Start Lanyard with "
                        + namingThisUrl() + " (it sets both its issuers), or give the app the URL Lanyard names");
            ssf = doc;
        }
        return doc;
    }

    /**
     * The arguments that make Lanyard name {@code lanyard.url} as its issuer: its origin as Lanyard's public URL, and its
     * path, if any, as the path Lanyard is served at (a public URL with a path is refused).
     */
    String namingThisUrl() {
        URI url = URI.create(properties.issuer());
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        return "--lanyard.web.public-url=" + url.getScheme() + "://" + url.getRawAuthority()
                + (path.isEmpty() ? "" : " --server.servlet.context-path=" + path);
    }

    URI openidEndpoint(String name) {
        return endpoint(openidConfiguration(), name);
    }

    URI ssfEndpoint(String name) {
        return endpoint(ssfConfiguration(), name);
    }

    private static URI endpoint(Map<String, Object> doc, String name) {
        if (!(doc.get(name) instanceof String value) || value.isBlank()) throw new LanyardUnavailable("Lanyard's metadata has no " + name);
        return URI.create(value);
    }

    Map<String, Object> getJson(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) throw new LanyardUnavailable("GET " + uri + " answered " + response.statusCode());
        return parseObject(response.body(), uri);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // The JDK's client says nothing in a refused connection's message: name the exception instead of "null".
            throw new LanyardUnavailable(request.method() + " " + request.uri() + " failed: "
                    + (e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanyardUnavailable(request.method() + " " + request.uri() + " was interrupted");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String body, URI from) {
        try {
            Object value = JSON.readValue(body, Object.class);
            if (value instanceof Map<?, ?> map) return (Map<String, Object>) map;
        } catch (JacksonException e) {
            // answered below
        }
        throw new LanyardUnavailable(from + " did not answer a JSON object");
    }

    static String toJson(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Lanyard could not be reached or answered something unexpected. */
    public static class LanyardUnavailable extends RuntimeException {
        public LanyardUnavailable(String message) {
            super(message);
        }
    }
}
