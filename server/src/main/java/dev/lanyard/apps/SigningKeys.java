package dev.lanyard.apps;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The keys that sign tokens, kept in the database so that every node and every restart uses
 * the same ones: generated once, on the first start that finds none. The newest active key
 * signs; {@link #rotate()} adds a new one and retires the others, which stay in the JWKS for
 * {@link #RETIRED_PUBLISHED} (longer than any token they signed lives). Every node checks hourly
 * whether the signing key is older than {@code lanyard.apps.signing-key-lifetime} (90 days) and,
 * if so, rotates it; the first node to retire the old key wins, the others leave it.
 *
 * <p>As a {@link JWKSource} this is the JWKS (every published key); {@link #signing()} is the
 * source that holds the signing key alone.
 */
@Component
class SigningKeys implements JWKSource<SecurityContext> {
    static final Duration RETIRED_PUBLISHED = Duration.ofHours(2);
    /** How long a node trusts its copy of the key list; a rotation reaches every node within it. */
    static final Duration RELOAD = Duration.ofMinutes(1);

    static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);

    private final SigningKeyStore store;
    private final Clock clock;
    private final Duration lifetime;
    private volatile Loaded loaded;

    private record Loaded(JWKSet published, RSAKey signing, Instant at) {
    }

    SigningKeys(SigningKeyStore store, Clock clock) {
        this(store, clock, DEFAULT_LIFETIME);
    }

    @org.springframework.beans.factory.annotation.Autowired
    SigningKeys(SigningKeyStore store, Clock clock, AppSettings settings) {
        this(store, clock, settings.signingKeyLifetime());
    }

    /** {@code lifetime} is longer than {@link #RETIRED_PUBLISHED}, as {@link AppSettings} makes sure. */
    SigningKeys(SigningKeyStore store, Clock clock, Duration lifetime) {
        if (lifetime.compareTo(RETIRED_PUBLISHED) <= 0)
            throw new IllegalArgumentException("lanyard.apps.signing-key-lifetime must be longer than " + RETIRED_PUBLISHED);
        this.store = store;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /**
     * Rotates the signing key if it is older than its lifetime; returns the new key's id, or empty when
     * it is not due or another node rotated first. Safe on several nodes at once.
     */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${lanyard.apps.signing-key-check:1h}",
            initialDelayString = "${lanyard.apps.signing-key-check:1h}")
    @Transactional
    public java.util.Optional<String> rotateIfDue() {
        Instant now = clock.instant();
        java.util.Optional<SigningKeyStore.StoredKey> active = store.published(now).stream()
                .filter(k -> k.retiredAt().isEmpty()).findFirst();
        if (active.isEmpty() || now.isBefore(active.get().createdAt().plus(lifetime))) return java.util.Optional.empty();
        if (store.retire(active.get().kid(), now) == 0) return java.util.Optional.empty();
        RSAKey key = generate();
        store.add(new SigningKeyStore.StoredKey(key.getKeyID(), key.toJSONString(), now, java.util.Optional.empty()));
        loaded = null;
        return java.util.Optional.of(key.getKeyID());
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(keys().published());
    }

    /** The source that offers only the current signing key, for the token encoder. */
    JWKSource<SecurityContext> signing() {
        return (selector, context) -> selector.select(new JWKSet(keys().signing()));
    }

    /** The id of the key that signs now. */
    String currentKeyId() {
        return keys().signing().getKeyID();
    }

    /** Adds a new signing key and retires the others (still published for a while). Returns the new key's id. */
    @Transactional
    public String rotate() {
        RSAKey key = generate();
        Instant now = clock.instant();
        store.add(new SigningKeyStore.StoredKey(key.getKeyID(), key.toJSONString(), now, java.util.Optional.empty()));
        store.retireAllBut(key.getKeyID(), now);
        loaded = null;
        return key.getKeyID();
    }

    private Loaded keys() {
        Loaded current = loaded;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.at().plus(RELOAD))) return current;
        synchronized (this) {
            current = loaded;
            if (current != null && now.isBefore(current.at().plus(RELOAD))) return current;
            List<SigningKeyStore.StoredKey> stored = store.published(now.minus(RETIRED_PUBLISHED));
            if (stored.stream().noneMatch(k -> k.retiredAt().isEmpty())) {
                RSAKey key = generate();
                store.add(new SigningKeyStore.StoredKey(key.getKeyID(), key.toJSONString(), now, java.util.Optional.empty()));
                stored = store.published(now.minus(RETIRED_PUBLISHED));
            }
            List<RSAKey> keys = stored.stream().map(k -> parse(k.jwk())).toList();
            RSAKey signing = stored.stream().filter(k -> k.retiredAt().isEmpty()).findFirst().map(k -> parse(k.jwk())).orElseThrow();
            loaded = new Loaded(new JWKSet(List.copyOf(keys)), signing, now);
            return loaded;
        }
    }

    private static RSAKey parse(String json) {
        try {
            return RSAKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("A stored signing key cannot be read", e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
