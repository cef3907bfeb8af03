package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starting sessions: a browser's sign-in (within the team's session limit, ending the session the browser presented),
 * an app's grant and an API key, each under the policy of the member's team as it applies to them.
 */
@Component
class SessionStarts {
    private final SessionStore store;
    private final SessionEnds ends;
    private final SessionBroadcast broadcast;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final TransactionTemplate transactions;

    SessionStarts(SessionStore store, SessionEnds ends, SessionBroadcast broadcast, Accounts accounts,
                  ApplicationEventPublisher events, Clock clock, TransactionTemplate transactions) {
        this.store = store;
        this.ends = ends;
        this.broadcast = broadcast;
        this.accounts = accounts;
        this.events = events;
        this.clock = clock;
        this.transactions = transactions;
    }

    Sessions.Started start(NewSession request) {
        return start(request, heldMemberPolicy(request.account()));
    }

    /**
     * {@link #memberPolicy(AccountId)}, read with the team held ({@link SessionStore#holdTeam}): a policy or
     * high-security change either committed before (this session gets it) or waits for this session's commit
     * (its rewrite of the team's open sessions then includes it).
     */
    private TeamPolicy heldMemberPolicy(AccountId account) {
        Optional<dev.lanyard.account.Account> found = accounts.find(account);
        found.ifPresent(a -> store.holdTeam(a.team().value()));
        return found.map(this::memberPolicy).orElseGet(() -> memberPolicy(account));
    }

    /** The session policy of the member's team (the default one for an account no longer found). */
    private TeamPolicy policy(AccountId account) {
        return accounts.find(account).map(a -> accounts.policy(a.team())).orElse(TeamPolicy.DEFAULT);
    }

    /** The team's policy as it applies to the member: their own session limit, "Remember me" not allowed (L3, L5). */
    TeamPolicy memberPolicy(AccountId account) {
        return accounts.memberRules(account).applyTo(policy(account));
    }

    /** {@link #memberPolicy(AccountId)} for an account already read (the sessions page's). */
    TeamPolicy memberPolicy(dev.lanyard.account.Account account) {
        return accounts.memberRules(account.id()).applyTo(accounts.policy(account.team()));
    }

    private Sessions.Started start(NewSession request, TeamPolicy policy) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String token = SessionToken.generate();
        var origin = request.origin();
        Session session = new Session(SessionId.random(), request.account(), "", request.appType(),
                policy.remembers(request.rememberMe()), request.verified(), true, origin.device(), origin.userAgent(), origin.ip(),
                origin.location(), now, now, policy.idleTimeout(), now.plus(policy.lifetime(request.rememberMe())),
                Session.Activity.NONE, Optional.empty());
        store.insert(session, SessionToken.hash(token), request.bearer());
        events.publishEvent(new SessionEvent.Started(session.id(), session.account(), now, session, request.verification()));
        broadcast.started(session.account());
        return new Sessions.Started(session, token);
    }

    /**
     * The session of a fresh sign-in. The session the request presented, if it is still valid, is ended first as
     * signed out, in the same transaction: a sign-in never leaves the browser's previous session usable (ASVS 5.0
     * V7.2.4), whoever it belonged to. An API key presented is left alone: it is no browser's sign-in that this one
     * replaces, and the sign-in endpoints, open to anyone, never check its scopes.
     */
    Sessions.Started signIn(NewSession request, Optional<CurrentSession> presented) {
        try {
            return transactions.execute(tx -> signInHeld(request, presented));
        } catch (AccountProblem.SessionLimitReached refused) {
            events.publishEvent(new SignInRefused(request.account(), refused.limit(), request.origin().ip(), clock.instant()));
            throw refused;
        }
    }

    private Sessions.Started signInHeld(NewSession request, Optional<CurrentSession> presented) {
        TeamPolicy policy = holdForSignIn(request.account(), request.password());
        presented.filter(session -> !session.apiKey()).ifPresent(ends::logout);
        if (policy.sessionLimit() > 0) makeRoom(request.account(), policy);
        return start(request, policy);
    }

    /**
     * Holds, in the caller's transaction, what a sign-in holds before its session starts, and returns the member's policy:
     * the team first, then the member's row when the sign-in checked a password ({@code stamp}), which must still be the
     * member's. The team first, then the sessions: the order of policy changes and force sign-outs, which lock the team and
     * then rewrite or end its sessions or the member (the other order deadlocks with them on PostgreSQL). With the member's
     * row locked, a password change commits before (and this sign-in's password is refused) or after (and ends this
     * session with the others).
     *
     * @throws AccountProblem.PasswordChanged the password checked is no longer the member's
     */
    TeamPolicy holdForSignIn(AccountId account, Optional<String> stamp) {
        TeamPolicy policy = heldMemberPolicy(account);
        stamp.ifPresent(checked -> accounts.requireSamePassword(account, checked));
        return policy;
    }

    /**
     * Refuses early, so a member whose team refuses sign-ins at the limit is told before giving a second factor (and
     * spending a recovery code) rather than after. {@link #signIn} still decides, with the member's row locked.
     */
    void requireRoom(AccountId owner, String address) {
        TeamPolicy policy = memberPolicy(owner);
        if (policy.sessionLimit() > 0 && policy.refuseAtLimit() && store.signInsOldestFirst(owner, clock.instant()).size() >= policy.sessionLimit()) {
            events.publishEvent(new SignInRefused(owner, policy.sessionLimit(), address, clock.instant()));
            throw new AccountProblem.SessionLimitReached(policy.sessionLimit());
        }
    }

    /**
     * PRODUCT.md L5: a member has at most the team's limit of sign-ins at once. A sign-in that would
     * pass it ends the member's oldest sign-ins (each device told why on its next request or open
     * page) or is refused, as the team chose. API keys and apps' grants are not sign-ins and neither
     * count nor end (decision 48). The member's row is locked first, so two sign-ins at once cannot
     * both find room for one.
     *
     * @throws AccountProblem.SessionLimitReached when the team refuses sign-ins at the limit
     */
    private void makeRoom(AccountId owner, TeamPolicy policy) {
        accounts.lockSignIns(owner);
        List<SessionId> signedIn = store.signInsOldestFirst(owner, clock.instant());
        int over = signedIn.size() + 1 - policy.sessionLimit();
        if (over <= 0) return;
        if (policy.refuseAtLimit()) throw new AccountProblem.SessionLimitReached(policy.sessionLimit());
        ends.finish(signedIn.subList(0, over), owner,
                new Session.Ending(clock.instant(), EndReason.SESSION_LIMIT, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    Sessions.AppSession startApp(NewSession request, String name) {
        Sessions.Started started = start(request);
        // Cut in characters, as the app's name was counted: in UTF-16 units, an app's name of 60 emoji was cut at 50 (outside review).
        String clean = dev.lanyard.FreeText.upTo(name.strip(), Sessions.MAX_NAME);
        store.rename(started.session().id(), request.account(), clean);
        return new Sessions.AppSession(started.session(), SessionToken.hash(started.token()));
    }

    /**
     * The session that is an API key: app type API, no idle timeout, the key's own expiry (team policy does not apply
     * to it), no address until it is first used. Publishes no sign-in (the keys module records the key's creation).
     */
    Session startKey(Sessions.NewKey key) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Session session = new Session(SessionId.random(), key.account(), key.name(), AppType.API, false, false, false,
                dev.lanyard.device.Device.unknown(), "", "", dev.lanyard.geo.GeoLocation.unknown(), now, now,
                java.time.Duration.ZERO, key.expiresAt().orElse(Sessions.NEVER), new Session.Activity(0, 0, 0, ""), Optional.empty(), true);
        store.insertKey(session, ApiKeyToken.hash(key.token()));
        broadcast.started(session.account());
        return session;
    }
}
