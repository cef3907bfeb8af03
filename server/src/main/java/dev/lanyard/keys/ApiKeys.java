package dev.lanyard.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import dev.lanyard.InputErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.session.ApiKeyToken;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Cursors;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.TeamSessions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creating, listing and revoking API keys (PRODUCT.md A1). A key is a session of app type API
 * whose token is the key's secret (decision 0018): checking it is the session check, ending it
 * is {@link Sessions#endKey}, and so it holds on the next request on every node.
 */
@Service
public class ApiKeys {
    static final int MAX_NAME = 100;
    static final int MAX_PAGE = 100;
    static final Duration DAY = Duration.ofHours(24);

    private final ApiKeyStore store;
    private final Sessions sessions;
    private final TeamSessions team;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    private final Accounts accounts;
    private final TransactionTemplate transactions;

    ApiKeys(ApiKeyStore store, Sessions sessions, TeamSessions team, ApplicationEventPublisher events, Clock clock, Accounts accounts,
            TransactionTemplate transactions) {
        this.transactions = transactions;
        this.store = store;
        this.sessions = sessions;
        this.team = team;
        this.events = events;
        this.clock = clock;
        this.accounts = accounts;
    }

    /** What a new key is asked to be. */
    public record NewApiKey(String name, Collection<String> scopes, Optional<Instant> expiresAt) {
    }

    /** A new key and its secret, which is not kept anywhere and is shown once. */
    public record Created(ApiKey key, String secret) {
    }

    /**
     * A key with its session (last use, address, place, state) and its requests in the last 24 hours. A key past its
     * expiry reads as expired then, whether or not the sweep has ended its session yet ({@link Session#endedIfExpired}).
     */
    public record Listed(ApiKey key, Session session, long requestsToday) {
        public boolean active() {
            return session.active();
        }

        public boolean used() {
            return session.activity().requests() > 0;
        }
    }

    /** Requests in one hour, {@code hour} its start. */
    public record HourCount(Instant hour, long requests) {
    }

    public record Page(List<Listed> items, Optional<String> nextCursor) {
    }

    /**
     * Creates a key with the member's password: a key is a way into the account that outlives a password change and a
     * sign-out everywhere (decision 18), so a copied session cookie must not be enough to make one, as it is not for a
     * passkey or an authenticator app. A wrong password counts towards the sign-in throttle; the member is mailed
     * ({@link ApiKeyMail}). The password is checked before the transaction (an Argon2 hash must not hold the database's
     * writer, SQLite's only one); {@code alongside} runs in the transaction that makes the key, so what it keeps of the
     * new key (the page's sealed secret) is made with it or not at all.
     *
     * @throws dev.lanyard.account.AccountProblem.InvalidCredentials a wrong password
     * @throws dev.lanyard.account.AccountProblem.TooManyAttempts    too many wrong passwords lately
     */
    public Created create(CurrentSession by, NewApiKey request, String password, String address) {
        return create(by, request, password, address, new InputErrors<>(KeyProblem.InvalidInput.class), created -> { });
    }

    /**
     * As {@link #create(CurrentSession, NewApiKey, String, String)}, running {@code alongside} in its transaction. Every
     * field at fault is named at once, with those the caller read itself and refused ({@code errors}: a form's own
     * fields), before the password is checked; a scope the member may not give is refused before them (403).
     *
     * @throws KeyProblem.InvalidInput each field at fault
     */
    public Created create(CurrentSession by, NewApiKey request, String password, String address,
                          InputErrors<KeyProblem.InvalidInput> errors, java.util.function.Consumer<Created> alongside) {
        if (by.apiKey()) throw new KeyProblem.Forbidden("An API key cannot create API keys.");
        Optional<String> name = errors.read(() -> name(request.name()));
        Optional<Set<KeyScope>> scopes = errors.read(() -> scopes(request.scopes(), by));
        Instant now = clock.instant();
        Optional<Instant> expires = request.expiresAt().map(e -> e.truncatedTo(ChronoUnit.MILLIS));
        errors.check(() -> {
            if (expires.isPresent() && !expires.get().isAfter(now))
                throw new KeyProblem.InvalidInput("expiresAt", "Choose an expiry in the future, or none.");
        });
        errors.check(() -> {
            checkControlCharacters("password", password);
            if (password == null || password.isEmpty())
                throw new KeyProblem.InvalidInput("password", "Enter your password: an API key is a way into your account.");
        });
        errors.throwIfAny(KeyProblem.InvalidInput::of);
        try {
            accounts.reauthenticate(by.account(), by.id().value(), "create an API key", password, address);
        } catch (dev.lanyard.account.AccountProblem.InvalidCredentials wrong) {
            throw new KeyProblem.WrongPassword();
        }
        return transactions.execute(tx -> {
            if (scopes.orElseThrow().contains(KeyScope.ADMIN)) requireAdminNow(by);
            Created created = insert(by, name.orElseThrow(), scopes.orElseThrow(), expires);
            alongside.accept(created);
            return created;
        });
    }

    /**
     * Checks, with the team locked, that the maker of a key with the admin scope is still an admin: the role their session
     * carries may be older than a change of role committed meanwhile, which took the admin scope from the keys they had
     * ({@link AdminScopes#roleChanged}) and must not miss this one.
     */
    private void requireAdminNow(CurrentSession by) {
        try {
            accounts.lockTeamAsAdmin(by.account());
        } catch (dev.lanyard.account.AccountProblem.Forbidden notNow) {
            throw new KeyProblem.Forbidden("Only a team admin can create a key with the admin scope.");
        }
    }

    private Created insert(CurrentSession by, String name, Set<KeyScope> scopes, Optional<Instant> expires) {
        String secret = ApiKeyToken.generate();
        Session session = sessions.startKey(new Sessions.NewKey(by.account().id(), name, secret, expires));
        ApiKey key = new ApiKey(session.id(), by.account().id(), name, ApiKeyToken.shown(secret), scopes,
                session.createdAt(), expires);
        store.insert(key);
        events.publishEvent(new ApiKeyEvent.Created(key, by.account().id(), by.id(), session.createdAt()));
        return new Created(key, secret);
    }

    /** Active keys of {@code owner}, newest first: neither ended nor past their expiry. */
    public Page list(AccountId owner, int limit, Optional<String> cursor) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        Optional<ApiKeyStore.Cursor> after = cursor.flatMap(c -> Cursors.decode(c, 2)).map(parts -> {
            try {
                return new ApiKeyStore.Cursor(Instant.ofEpochMilli(Long.parseLong(parts.get(0))), parts.get(1));
            } catch (NumberFormatException e) {
                throw new SessionProblem.InvalidCursor();
            }
        });
        List<ApiKey> rows = store.active(owner, clock.instant(), size + 1, after);
        List<ApiKey> page = rows.subList(0, Math.min(size, rows.size()));
        Optional<String> next = rows.size() > size
                ? Optional.of(Cursors.encode(Long.toString(page.get(size - 1).createdAt().toEpochMilli()), page.get(size - 1).id().value()))
                : Optional.empty();
        return new Page(listed(owner, page), next);
    }

    /** One key of {@code owner}, active or ended; anyone else's is {@link KeyProblem.NotFound}. */
    public Listed get(AccountId owner, SessionId id) {
        ApiKey key = store.find(id).filter(k -> k.owner().equals(owner)).orElseThrow(KeyProblem.NotFound::new);
        return listed(owner, List.of(key)).stream().findFirst().orElseThrow(KeyProblem.NotFound::new);
    }

    /** The key with this id, whoever owns it; for the audit log, never for a caller's request. */
    public Optional<ApiKey> find(SessionId id) {
        return store.find(id);
    }

    /** The keys among {@code ids} (sessions that are API keys), whoever owns them, by id, in one statement; for the audit log. */
    public java.util.Map<SessionId, ApiKey> find(java.util.Collection<SessionId> ids) {
        java.util.Map<SessionId, ApiKey> found = new java.util.HashMap<>();
        store.find(ids).forEach(k -> found.put(k.id(), k));
        return found;
    }

    /** Requests per hour over the last 24 hours, oldest first, 24 entries (the current hour last). */
    public List<HourCount> lastDay(ApiKey key) {
        Instant thisHour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant from = thisHour.minus(Duration.ofHours(23));
        SortedMap<Instant, Long> counts = sessions.hourlyRequests(List.of(key.id()), from).getOrDefault(key.id(), new java.util.TreeMap<>());
        List<HourCount> out = new ArrayList<>(24);
        for (int i = 0; i < 24; i++) {
            Instant hour = from.plus(Duration.ofHours(i));
            out.add(new HourCount(hour, counts.getOrDefault(hour, 0L)));
        }
        return out;
    }

    /**
     * Revokes one of the caller's own keys; at once on every node. Safe to repeat. A key past its expiry has ended already
     * and stays expired: it ends as expired, when it expired ({@link Sessions#endKey}), not revoked.
     */
    @Transactional
    public void revoke(CurrentSession by, SessionId id) {
        if (by.apiKey()) throw new KeyProblem.Forbidden("An API key cannot revoke API keys.");
        ApiKey key = store.find(id).filter(k -> k.owner().equals(by.account().id())).orElseThrow(KeyProblem.NotFound::new);
        sessions.endKey(key.id(), key.owner(), EndReason.REVOKED, Optional.of(by.account().id()), Optional.of(by.id()), Optional.empty());
    }

    /** An admin's view of a member of their team's active keys (another team's member: not found). */
    public Page listOf(CurrentSession admin, AccountId member, int limit, Optional<String> cursor) {
        return list(team.member(admin, member).id(), limit, cursor);
    }

    /** An admin's view of one key of a member of their team. */
    public Listed getOf(CurrentSession admin, AccountId member, SessionId id) {
        return get(team.member(admin, member).id(), id);
    }

    /** An admin revokes a member's key. Safe to repeat; a key past its expiry stays expired, as with {@link #revoke}. */
    @Transactional
    public void revokeOf(CurrentSession admin, AccountId member, SessionId id) {
        if (admin.apiKey() && !admin.keyScopes().orElseThrow().contains(KeyScope.ADMIN.code()))
            throw new KeyProblem.Forbidden("This API key cannot act as an admin.");
        AccountId owner = team.member(admin, member).id();
        ApiKey key = store.find(id).filter(k -> k.owner().equals(owner)).orElseThrow(KeyProblem.NotFound::new);
        sessions.endKey(key.id(), owner, EndReason.ADMIN_REVOKED, Optional.of(admin.account().id()), Optional.of(admin.id()),
                Optional.of("API key revoked by an admin"));
    }

    private List<Listed> listed(AccountId owner, List<ApiKey> keys) {
        if (keys.isEmpty()) return List.of();
        List<SessionId> ids = keys.stream().map(ApiKey::id).toList();
        Map<SessionId, Session> found = sessions.find(owner, ids);
        Instant now = clock.instant();
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        Map<SessionId, SortedMap<Instant, Long>> hourly = sessions.hourlyRequests(ids, from);
        List<Listed> out = new ArrayList<>();
        for (ApiKey key : keys) {
            Session session = found.get(key.id());
            if (session == null) continue;
            long today = hourly.getOrDefault(key.id(), new java.util.TreeMap<>()).values().stream().mapToLong(Long::longValue).sum();
            out.add(new Listed(key, session.endedIfExpired(now), today));
        }
        return out;
    }

    /** A field the web layer let through with its control characters ({@link dev.lanyard.ChecksControlCharacters}), refused first. */
    private static void checkControlCharacters(String field, String raw) {
        dev.lanyard.ControlCharacters.refusal(field, raw).ifPresent(refused -> {
            throw new KeyProblem.InvalidInput(field, refused);
        });
    }

    private static String name(String raw) {
        checkControlCharacters("name", raw);
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) throw new KeyProblem.InvalidInput("name", "Give the key a name, so you can recognize it later.");
        // Counted as a reader counts them, as a session's name is: an emoji is one character, not two UTF-16 units.
        if (dev.lanyard.FreeText.length(name) > MAX_NAME)
            throw new KeyProblem.InvalidInput("name", "Use a name of at most " + MAX_NAME + " characters.");
        dev.lanyard.FreeText.refusal(name, false).ifPresent(what -> {
            throw new KeyProblem.InvalidInput("name", "The name cannot contain " + what + ".");
        });
        return name;
    }

    private static Set<KeyScope> scopes(Collection<String> raw, CurrentSession by) {
        if (raw == null || raw.isEmpty()) throw new KeyProblem.InvalidInput("scopes", "Choose at least one scope.");
        Set<KeyScope> scopes = java.util.EnumSet.noneOf(KeyScope.class);
        for (String code : raw) {
            checkControlCharacters("scopes", code);
            scopes.add(KeyScope.ofCode(code == null ? "" : code).orElseThrow(() -> new KeyProblem.InvalidInput("scopes",
                    "Scopes are sessions:read, sessions:write and admin.")));
        }
        if (scopes.contains(KeyScope.ADMIN) && by.account().role() != Role.ADMIN)
            throw new KeyProblem.Forbidden("Only a team admin can create a key with the admin scope.");
        // Admin endpoints need sessions:read or sessions:write as well (KeyAccess): a key of the admin scope alone could do nothing.
        if (scopes.equals(java.util.EnumSet.of(KeyScope.ADMIN)))
            throw new KeyProblem.InvalidInput("scopes", "The admin scope adds the team's admin endpoints to sessions:read or "
                    + "sessions:write: choose one of them as well.");
        return scopes;
    }
}
