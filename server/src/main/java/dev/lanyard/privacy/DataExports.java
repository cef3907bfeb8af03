package dev.lanyard.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Mailer;
import dev.lanyard.account.MemberRules;
import dev.lanyard.account.Team;
import dev.lanyard.apps.Apps;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.keys.KeyScope;
import dev.lanyard.passkeys.Passkey;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.risk.AlertSettings;
import dev.lanyard.risk.Sightings;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionJson;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.SignInPlace;
import dev.lanyard.session.Timeline;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * A member's copy of their data (PRODUCT.md D6), read through each module's own service, and recorded in the
 * audit log ({@link PrivacyEvent.DataExported}). Sessions, history and activity can be long (thousands of API
 * key or app sessions, each with its whole timeline), so the document reads them page by page while it is
 * written; the other parts are small and read at once.
 */
@Service
public class DataExports {
    private final Accounts accounts;
    private final Sessions sessions;
    private final Timeline timeline;
    private final SessionSettings sessionSettings;
    private final ApiKeys keys;
    private final Apps apps;
    private final Passkeys passkeys;
    private final SecondFactors factors;
    private final AlertSettings alerts;
    private final MemberActivity activity;
    private final Sightings sightings;
    private final Mailer mailer;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    DataExports(Accounts accounts, Sessions sessions, Timeline timeline, SessionSettings sessionSettings, ApiKeys keys, Apps apps,
                Passkeys passkeys, SecondFactors factors, AlertSettings alerts, MemberActivity activity, Sightings sightings,
                Mailer mailer, ApplicationEventPublisher events, Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.timeline = timeline;
        this.sessionSettings = sessionSettings;
        this.keys = keys;
        this.apps = apps;
        this.passkeys = passkeys;
        this.factors = factors;
        this.alerts = alerts;
        this.activity = activity;
        this.sightings = sightings;
        this.mailer = mailer;
        this.events = events;
        this.clock = clock;
    }

    /**
     * What Lanyard keeps about the member who makes the request ({@link DataExport} says what it leaves out). Most of it is read while the document is
     * written; {@link #exported(CurrentSession)} records it once that is done. An API key is refused
     * ({@link PrivacyProblem.KeyRefused}): an export is every personal detail at once.
     */
    public DataExport export(CurrentSession member) {
        if (member.apiKey()) throw new PrivacyProblem.KeyRefused();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as every instant the API writes
        Account account = accounts.find(member.account().id()).orElse(member.account());
        DataExport export = new DataExport(now, account(account),
                new DataExport.Entries(sink -> forEach((limit, cursor) -> sessions.everyActive(account.id(), limit, cursor),
                        member, now, sink)),
                new DataExport.Entries(sink -> forEach((limit, cursor) -> sessions.history(account.id(), limit, cursor),
                        member, now, sink)),
                apiKeys(account),
                apps.connected(member).stream().map(DataExports::app).toList(),
                passkeys.list(account.id()).stream().map(DataExports::passkey).toList(),
                twoFactor(account),
                new DataExport.ExportedSignInAlerts(alerts.newDeviceEmails(member)),
                new DataExport.Entries(sink -> activity.forEach(account, sink)),
                new DataExport.Entries(sink -> sightings.forEach(account.id(),
                        r -> sink.accept(new DataExport.ExportedSighting(r.kind(), r.value(), r.lastSeenAt())))),
                new DataExport.Entries(sink -> mailer.forEachTo(account.email(),
                        m -> sink.accept(new DataExport.ExportedMail(m.subject(), m.queuedAt(), m.status(), m.sentAt().orElse(null))))));
        return export;
    }

    /**
     * Records in the audit log that the member who makes the request took a copy of their data: called once the export
     * is written whole, so one that failed to be written is not recorded as taken. The entry shows in the next export.
     */
    public void exported(CurrentSession member) {
        Account account = accounts.find(member.account().id()).orElse(member.account());
        events.publishEvent(new PrivacyEvent.DataExported(account, member.id(), clock.instant()));
    }

    private DataExport.ExportedAccount account(Account a) {
        MemberRules rules = accounts.memberRules(a.id());
        return new DataExport.ExportedAccount(a.id().value(), a.email(), a.name(), a.role().name().toLowerCase(java.util.Locale.ROOT),
                a.team().value(), accounts.team(a.team()).map(Team::name).orElse(""), a.createdAt(),
                rules.sessionLimit().orElse(null), rules.rememberMeForbidden(),
                accounts.timeZone(a.id()).map(java.time.ZoneId::getId).orElse(null),
                accounts.timeZoneNotes(a.id()).stream().map(n -> new DataExport.ExportedZoneNote(n.zone(), n.sessionId().orElse(null),
                        n.disowned())).toList());
    }

    /**
     * Hands each session of a paged list to {@code sink} in its order, as {@code GET /api/v1/sessions/{id}} shows
     * it to its owner (full IP, and where it signed in), with its whole timeline: one page, and one query for its
     * timelines and one for where they signed in, at a time.
     */
    private void forEach(BiFunction<Integer, Optional<String>, Sessions.Page<Session>> pages, CurrentSession member, Instant now,
                         Consumer<Object> sink) {
        Optional<String> cursor = Optional.empty();
        do {
            Sessions.Page<Session> page = pages.apply(Sessions.MAX_PAGE, cursor);
            Map<SessionId, List<Timeline.Line>> timelines = timeline.whole(page.items());
            Map<SessionId, SignInPlace> signIns = sessions.signInPlaces(member.account().id(), page.items());
            for (Session s : page.items()) {
                SessionJson details = SessionJson.of(s, Optional.ofNullable(signIns.get(s.id())), s.id().equals(member.id()),
                        SessionView.activeNow(s, sessionSettings.activeWindow(), now), true);
                sink.accept(new DataExport.ExportedSession(details, s.userAgent(), s.location().latitude().orElse(null),
                        s.location().longitude().orElse(null), timelines.get(s.id()).stream()
                        .map(line -> new DataExport.ExportedTimelineLine(line.at(), line.text())).toList()));
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
    }

    private List<DataExport.ExportedApiKey> apiKeys(Account account) {
        List<DataExport.ExportedApiKey> found = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            ApiKeys.Page page = keys.list(account.id(), Sessions.MAX_PAGE, cursor);
            for (ApiKeys.Listed listed : page.items()) {
                var k = listed.key();
                Session s = listed.session();
                found.add(new DataExport.ExportedApiKey(k.id().value(), k.name(),
                        k.scopes().stream().map(KeyScope::code).sorted().toList(), k.createdAt(), k.expiresAt().orElse(null),
                        listed.used() ? s.lastActiveAt() : null, listed.used() ? ClientAddresses.shown(s.ip()) : null,
                        listed.used() ? s.location().label() : null, s.activity().requests()));
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return found;
    }

    private static DataExport.ExportedApp app(Apps.Connected c) {
        return new DataExport.ExportedApp(c.app().name(), c.app().description(), c.app().clientId(),
                c.consent().scopes().stream().sorted().toList(), c.consent().consentedAt(), c.lastActivity().orElse(null),
                c.activeSessionIds(), c.endedSessionIds());
    }

    private static DataExport.ExportedPasskey passkey(Passkey p) {
        return new DataExport.ExportedPasskey(p.name(), p.createdAt(), p.lastUsedAt().orElse(null), p.synced());
    }

    private DataExport.ExportedTwoFactor twoFactor(Account account) {
        SecondFactors.Status status = factors.status(account);
        // Only the state: a pending enrolment's secret stays out.
        return new DataExport.ExportedTwoFactor(status.enabled(), status.since().orElse(null), status.recoveryCodesLeft());
    }
}
