package dev.lanyard.starter;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A browser for the tests: keeps cookies, follows redirects across the app and the fake Lanyard itself (so each hop is visible). */
final class Browser {
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code uri} and follows redirects (at most 10) until an answer that is not one. */
    HttpResponse<String> follow(String uri) throws IOException, InterruptedException {
        HttpResponse<String> response = get(uri);
        for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
            response = get(response.uri().resolve(response.headers().firstValue("Location").orElseThrow()).toString());
        }
        return response;
    }
}
