package dev.lanyard.privacy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import dev.lanyard.session.SessionJson;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * What Lanyard keeps about one member, as the JSON document they download (PRODUCT.md D6). It holds no secret: no
 * password hash, session token or its hash, API key secret or hash, two-factor seed or code, recovery code hash,
 * passkey's or device-bound session's key, nor a "This wasn't me" link. Also left out: mail bodies (a sent mail's is
 * emptied; one still waiting may hold a single-use link), the per-hour request counts behind "requests today" (each
 * session's totals are in), and the sign-in throttle's counts of failures, held in memory for at most an hour. Another
 * member appears only as the member's own activity shows them (their address masked, their session ids left out).
 *
 * <p>The parts that can be long, {@link #sessions()}, {@link #history()}, {@link #activity()}, {@link #riskMemory()} and
 * {@link #mails()}, are read page by page while the document is written ({@link Entries}); the others are read before.
 *
 * @param sessions active sessions, API keys and apps included (each is a session), with details, full IP and
 *                 whole timeline, in the order of their ids (which no use of a session changes while it is read); one
 *                 that expired moments before and that the server has not moved to the history yet is among them, as
 *                 ended when it expired (its endedAt and endReason), neither called active nor left out
 * @param history  ended sessions, most recently ended first, with why they ended and their whole timeline
 * @param apiKeys  active API keys: what they are, never their secret
 * @param apps     apps the member authorized (OAuth consents)
 */
public record DataExport(
        @Schema(description = "When this copy was made") Instant exportedAt,
        ExportedAccount account,
        @ArraySchema(arraySchema = @Schema(description = "Your active sessions, API keys and apps' included, in the order of "
                + "their ids. One that expired moments before and that the server has not moved to history yet is here "
                + "too, ended when it expired: its endedAt and endReason say so"),
                schema = @Schema(implementation = ExportedSession.class)) Entries sessions,
        @ArraySchema(schema = @Schema(implementation = ExportedSession.class)) Entries history,
        List<ExportedApiKey> apiKeys,
        List<ExportedApp> apps,
        List<ExportedPasskey> passkeys,
        ExportedTwoFactor twoFactor,
        ExportedSignInAlerts signInAlerts,
        @ArraySchema(arraySchema = @Schema(description = "Your own activity in the audit log, oldest first: the entries "
                + "and masking of GET /api/v1/audit/export?scope=own&format=json"),
                schema = @Schema(ref = "#/components/schemas/AuditJson")) Entries activity,
        @ArraySchema(arraySchema = @Schema(description = "What the sign-in checks remember of your sign-ins, to tell a new "
                + "device, country, address or place, by kind and value"),
                schema = @Schema(implementation = ExportedSighting.class)) Entries riskMemory,
        @ArraySchema(arraySchema = @Schema(description = "Mails Lanyard sent or is sending to your email, oldest first: "
                + "never their body"), schema = @Schema(implementation = ExportedMail.class)) Entries mails) {

    public DataExport {
        Objects.requireNonNull(exportedAt, "exportedAt");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(history, "history");
        apiKeys = List.copyOf(apiKeys);
        apps = List.copyOf(apps);
        passkeys = List.copyOf(passkeys);
        Objects.requireNonNull(twoFactor, "twoFactor");
        Objects.requireNonNull(signInAlerts, "signInAlerts");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(riskMemory, "riskMemory");
        Objects.requireNonNull(mails, "mails");
    }

    /**
     * The account, what the team's admins set for it, and the time zone its mails use.
     *
     * @param sessionLimit the member's own session limit (0: none); null when the team's applies
     */
    public record ExportedAccount(String id, String email, String name, @Schema(allowableValues = {"admin", "member"}) String role,
                                  String teamId, String teamName, Instant createdAt,
                                  @Schema(nullable = true, description = "Your own session limit, set by an admin (0: none); "
                                          + "null: the team's") Integer sessionLimit,
                                  @Schema(description = "A high-security account: \"Remember me\" is not allowed") boolean rememberMeForbidden,
                                  @Schema(nullable = true, description = "The time zone your mails give times in (such as Asia/Tokyo), as "
                                          + "your browser reported it when you last signed in with one; null: none yet, mails say UTC")
                                  String timeZone,
                                  @ArraySchema(arraySchema = @Schema(description = "The time zones your latest sign-ins (at most 20) "
                                          + "reported, newest first, which give back your mails' zone when you disown a sign-in "
                                          + "with \"This wasn't me\"")) List<ExportedZoneNote> timeZoneNotes) {
    }

    /** One sign-in's reported time zone, as kept. */
    public record ExportedZoneNote(@Schema(nullable = true, description = "The zone it reported; null: one Lanyard does not know") String zone,
                                   @Schema(nullable = true, description = "The session of the sign-in; null: none (a password reset)")
                                   String sessionId,
                                   @Schema(description = "You said \"This wasn't me\" of that sign-in") boolean disowned) {
    }

    /**
     * A session as its owner sees it in {@code GET /api/v1/sessions/{id}}, with the User-Agent it sent (as kept, at most
     * 512 characters), its place's coordinates, and its timeline.
     */
    public record ExportedSession(SessionJson session,
                                  @Schema(description = "The User-Agent header the device sent, as kept") String userAgent,
                                  @Schema(nullable = true, description = "Of the place of the session's address") Double latitude,
                                  @Schema(nullable = true) Double longitude,
                                  List<ExportedTimelineLine> timeline) {
    }

    /**
     * One thing the sign-in checks remember (docs/decisions/0024): that a sign-in was assessed ({@code account}, no value),
     * a device ({@code browser|os|TYPE}), a country (its code), an address (forgotten after the address retention) or a
     * place ({@code latitude,longitude,country}, to about a kilometre), and when it was last seen.
     */
    public record ExportedSighting(@Schema(allowableValues = {"account", "device", "country", "address", "place"}) String kind,
                                   String value, Instant lastSeenAt) {
    }

    /** A mail to the member: its subject and times, never its body. */
    public record ExportedMail(String subject, Instant queuedAt,
                               @Schema(allowableValues = {"sent", "waiting", "given-up", "kept"}, description = "kept: in the "
                                       + "development outbox, without a mail server") String status,
                               @Schema(nullable = true) Instant sentAt) {
    }

    /** One line of a session's timeline: signed in, new address, new place, verified, renamed, ended. */
    public record ExportedTimelineLine(Instant at, String text) {
    }

    /** An API key without its secret or hash. */
    public record ExportedApiKey(String id, String name, List<String> scopes, Instant createdAt,
                                 @Schema(nullable = true) Instant expiresAt,
                                 @Schema(nullable = true, description = "null until first used") Instant lastUsedAt,
                                 @Schema(nullable = true) String lastUsedIp, @Schema(nullable = true) String lastUsedLocation,
                                 long requests) {
    }

    /** An app the member authorized, and its sessions split by state as {@code GET /api/v1/apps} gives them. */
    public record ExportedApp(String name, String description, String clientId, List<String> scopes, Instant consentedAt,
                              @Schema(nullable = true) Instant lastActivity,
                              @Schema(description = "The app's sessions that are active: those through which it has access now")
                              List<String> sessionIds,
                              @Schema(description = "The app's sessions that have ended and are still in your session history")
                              List<String> endedSessionIds) {
    }

    /** A passkey's name and use, never its key material. */
    public record ExportedPasskey(String name, Instant createdAt, @Schema(nullable = true) Instant lastUsedAt, boolean synced) {
    }

    /** Whether an authenticator app is on, never its seed nor a code. */
    public record ExportedTwoFactor(boolean enabled, @Schema(nullable = true) Instant enabledAt, int recoveryCodesLeft) {
    }

    /** The account's "Email me when a new device signs in". */
    public record ExportedSignInAlerts(boolean newDeviceEmails) {
    }

    /**
     * Items written as a JSON array as their source hands them over, flushed every {@value #FLUSH_EVERY}: the
     * source reads them when the document is written, not before, so they are never all in memory.
     */
    @JsonSerialize(using = Entries.Writer.class)
    public static final class Entries {
        static final int FLUSH_EVERY = 1000;
        private final Consumer<Consumer<Object>> source;

        Entries(Consumer<Consumer<Object>> source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        static final class Writer extends ValueSerializer<Entries> {
            @Override
            public void serialize(Entries entries, JsonGenerator out, SerializationContext context) {
                out.writeStartArray();
                int[] written = {0};
                entries.source.accept(item -> {
                    context.writeValue(out, item);
                    if (++written[0] % FLUSH_EVERY == 0) out.flush();
                });
                out.writeEndArray();
            }
        }
    }
}
