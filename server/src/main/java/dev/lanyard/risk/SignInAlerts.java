package dev.lanyard.risk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.MailTimes;
import dev.lanyard.account.Mailer;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.session.Sessions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sign-in alerts (PRODUCT.md V5): a sign-in flagged as a new device, a new country or impossible travel
 * is mailed to the member, if their setting says so and their other sessions want alerts (when every
 * other active sign-in has its alerts toggle off, nobody asked to be told; with no other sign-in, the
 * setting alone decides). The mail goes through the outbox (written here, sent after the commit, retried)
 * and carries a single-use "This wasn't me" link whose token is kept only as its SHA-256.
 */
@Component
class SignInAlerts {
    static final Set<String> ALERTING = Set.of(RiskRules.NEW_DEVICE, RiskRules.NEW_COUNTRY, RiskRules.IMPOSSIBLE_TRAVEL);

    private final AlertStore store;
    private final Sessions sessions;
    private final Accounts accounts;
    private final Mailer mailer;
    private final RiskSettings settings;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    SignInAlerts(AlertStore store, Sessions sessions, Accounts accounts, Mailer mailer, RiskSettings settings,
                 ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.accounts = accounts;
        this.mailer = mailer;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    /** Queues the alert of a flagged sign-in, when it is one the member asked to hear of. Joins the caller's transaction. */
    void signedIn(Session s, List<SessionFlag> flags) {
        if (flags.stream().noneMatch(f -> ALERTING.contains(f.code()))) return;
        if (!store.newDeviceEmails(s.account())) return;
        // Mailed while another sign-in has alerts on, or where there is none to have them. Alerts are on by default, so the
        // first question is nearly always answered by the first page, and the second is seldom asked.
        boolean alertsElsewhere = sessions.anyOtherSignIn(s.account(), s.id(), Session::alerts);
        if (!alertsElsewhere && sessions.anyOtherSignIn(s.account(), s.id(), other -> true)) return;
        Optional<Account> account = accounts.find(s.account());
        if (account.isEmpty()) return;
        Instant now = clock.instant();
        String token = token();
        Instant linkExpires = now.plus(settings.alertLinkLifetime());
        store.addLink(hash(token), s.id(), s.account(), now, linkExpires);
        // The device is what the signing-in client claims (a user agent can name any browser): in the body,
        // labelled, never in the subject, which is read as the sender's own words.
        boolean mailed = mailer.send(account.get().team(), account.get().email(), "New sign-in to your Lanyard account",
                body(account.get(), s, flags, token), linkExpires).isPresent();
        events.publishEvent(new RiskEvent.AlertSent(s.id(), s.account(), account.get().email(), mailed, now));
    }

    private String body(Account account, Session s, List<SessionFlag> flags, String token) {
        String base = mailer.baseUrl();
        StringBuilder why = new StringBuilder();
        flags.forEach(f -> why.append("  - ").append(f.reason()).append('\n'));
        return """
                Hello %s,

                %s

                Device:   %s (as the device describes itself)
                Location: %s
                Time:     %s

                Why we tell you:
                %s
                If this was you, there is nothing to do.

                This wasn't me: %s/not-me/%s
                The link signs that session out. It works once, for %d hours, even if you are not signed in.
                Then change your password: %s/settings/security#password

                You get this mail because "Email me when a new device signs in" is on: %s/settings/security
                %s""".formatted(Mailer.isolated(account.name().isBlank() ? account.email() : account.name()), opening(flags),
                Mailer.isolated(s.device().description()),
                s.location().label(), MailTimes.in(accounts.timeZone(account.id()), s.createdAt()), why, base, token,
                settings.alertLinkLifetime().toHours(), base, base, Mailer.placeCredit(s.location().label()));
    }

    /**
     * The mail's first sentence, fitting the reasons it is sent for: a new device, a new place (country), or a sign-in too
     * far from the last one to have travelled between them (outside review: an alert whose only reason was impossible
     * travel opened with "a device or place it has not been used from before").
     */
    static String opening(List<SessionFlag> flags) {
        Set<String> codes = flags.stream().map(SessionFlag::code).collect(java.util.stream.Collectors.toSet());
        List<String> news = new java.util.ArrayList<>();
        if (codes.contains(RiskRules.NEW_DEVICE)) news.add("a device");
        if (codes.contains(RiskRules.NEW_COUNTRY)) news.add("a country");
        String lead = "Your Lanyard account was just signed in to";
        String travel = "from a place too far from where it was last used for anyone to have travelled there in between";
        if (news.isEmpty()) return lead + " " + travel + ".";
        String fresh = "from " + String.join(" and ", news) + " it has not been used from before";
        return codes.contains(RiskRules.IMPOSSIBLE_TRAVEL) ? lead + " " + fresh + ",\n" + travel + "." : lead + " " + fresh + ".";
    }

    /** Expired links are of no use to anyone: removed every six hours, a day after they expired. */
    @Scheduled(fixedDelayString = "PT6H", initialDelayString = "PT10M")
    @Transactional
    public void removeExpiredLinks() {
        store.removeExpired(clock.instant().minus(java.time.Duration.ofDays(1)));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of a link's token, in hex: what is stored and looked up. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code token} has the shape of a link's token (43 base64url characters). */
    static boolean plausible(String token) {
        return token != null && token.length() == 43 && token.chars().allMatch(c ->
                (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
}
