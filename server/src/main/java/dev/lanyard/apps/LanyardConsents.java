package dev.lanyard.apps;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Members' consents to apps, remembered in Lanyard's table until the member or an admin revokes them. */
@Component
class LanyardConsents implements OAuth2AuthorizationConsentService {
    private final ConsentStore store;
    private final AppClientStore apps;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    LanyardConsents(ConsentStore store, AppClientStore apps, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.apps = apps;
        this.events = events;
        this.clock = clock;
    }

    @Override
    @Transactional
    public void save(OAuth2AuthorizationConsent consent) {
        var at = clock.instant();
        Optional<AppClient> app = apps.find(consent.getRegisteredClientId());
        // What the app can be granted: a public app's offline_access is allowed with the rest but gives it nothing.
        Set<String> scopes = app.map(a -> a.grantable(consent.getScopes())).orElse(consent.getScopes());
        store.save(new Consent(consent.getRegisteredClientId(), consent.getPrincipalName(), scopes, at));
        app.ifPresent(a -> events.publishEvent(new AppEvent.ConsentGiven(a.team(),
                a.clientId(), a.name(), new AccountId(consent.getPrincipalName()), scopes, at)));
    }

    @Override
    public void remove(OAuth2AuthorizationConsent consent) {
        store.delete(consent.getRegisteredClientId(), consent.getPrincipalName());
    }

    @Override
    public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
        return store.find(registeredClientId, principalName)
                .filter(c -> !c.scopes().isEmpty())
                .map(c -> {
                    OAuth2AuthorizationConsent.Builder builder = OAuth2AuthorizationConsent.withId(registeredClientId, principalName);
                    c.scopes().forEach(builder::scope);
                    return builder.build();
                }).orElse(null);
    }
}
