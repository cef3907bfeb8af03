package dev.lanyard.starter;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The one client registration, {@code lanyard}: the app's client id and secret, the endpoints
 * from Lanyard's discovery document (read on first use, not at start-up, so the app starts even
 * while Lanyard is down), authorization code with PKCE S256 (Lanyard requires it).
 */
public class LanyardClientRegistrations implements ClientRegistrationRepository, Iterable<ClientRegistration> {
    public static final String REGISTRATION_ID = "lanyard";
    private final LanyardEndpoints endpoints;
    private final LanyardProperties properties;
    private volatile ClientRegistration registration;

    public LanyardClientRegistrations(LanyardEndpoints endpoints, LanyardProperties properties) {
        this.endpoints = endpoints;
        this.properties = properties;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return REGISTRATION_ID.equals(registrationId) ? registration() : null;
    }

    @Override
    public Iterator<ClientRegistration> iterator() {
        return List.of(registration()).iterator();
    }

    ClientRegistration registration() {
        ClientRegistration r = registration;
        if (r == null) {
            Map<String, Object> metadata = endpoints.openidConfiguration();
            r = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                    .clientName("Lanyard")
                    .clientId(properties.clientId())
                    .clientSecret(properties.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .scope(properties.scopes())
                    .authorizationUri(endpoints.openidEndpoint("authorization_endpoint").toString())
                    .tokenUri(endpoints.openidEndpoint("token_endpoint").toString())
                    .jwkSetUri(endpoints.openidEndpoint("jwks_uri").toString())
                    .userInfoUri(metadata.get("userinfo_endpoint") instanceof String u ? u : null)
                    .userNameAttributeName("sub")
                    .issuerUri(properties.issuer())
                    .providerConfigurationMetadata(metadata)
                    .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build())
                    .build();
            registration = r;
        }
        return r;
    }
}
