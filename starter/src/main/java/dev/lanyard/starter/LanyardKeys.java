package dev.lanyard.starter;

import java.net.MalformedURLException;
import java.util.List;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Lanyard's JWKS, fetched from the discovery document's {@code jwks_uri} on first use and cached
 * (Nimbus' default: kept 5 minutes, refreshed ahead of expiry, fetched again at once — rate
 * limited — when a token names a key it does not hold, which is how a key rotation arrives).
 * One source for ID tokens, access tokens, SETs and logout tokens.
 */
public class LanyardKeys implements JWKSource<SecurityContext> {
    private final LanyardEndpoints endpoints;
    private volatile JWKSource<SecurityContext> delegate;

    public LanyardKeys(LanyardEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return source().get(selector, context);
    }

    private JWKSource<SecurityContext> source() throws KeySourceException {
        JWKSource<SecurityContext> source = delegate;
        if (source == null) {
            synchronized (this) {
                if (delegate == null) {
                    try {
                        delegate = JWKSourceBuilder.create(endpoints.openidEndpoint("jwks_uri").toURL()).retrying(true).build();
                    } catch (MalformedURLException | RuntimeException e) {
                        throw new KeySourceException("Lanyard's JWKS is not available: " + e.getMessage(), e);
                    }
                }
                source = delegate;
            }
        }
        return source;
    }
}
