package dev.lanyard.admin;

import java.time.Duration;
import java.util.Optional;

import dev.lanyard.InputErrors;
import dev.lanyard.NullRefused;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.session.CurrentSession;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.annotation.JsonDeserialize;

/** The team's session policy in the API. Reading is open to members; changing it is for admins. */
@RestController
@RequestMapping("/api/v1/team/policy")
@Tag(name = "Team")
class TeamPolicyApi {
    private final Accounts accounts;

    TeamPolicyApi(Accounts accounts) {
        this.accounts = accounts;
    }

    /**
     * @param idleTimeout "1d", "7d", "30d" or "never"
     */
    record PolicyJson(@Schema(allowableValues = {"1d", "7d", "30d", "never"}) String idleTimeout, Boolean allowRememberMe,
                      @Schema(minimum = "1", maximum = "" + TeamPolicy.MAX_DAYS) Integer rememberedDays,
                      @Schema(minimum = "1", maximum = "" + TeamPolicy.MAX_LIFETIME_DAYS) Integer lifetimeDays,
                      @io.swagger.v3.oas.annotations.media.Schema(description = "Every member must have a second factor; "
                              + "members without one can only enrol one or sign out") Boolean requireSecondFactor,
                      @Schema(minimum = "0", maximum = "" + TeamPolicy.MAX_SESSION_LIMIT,
                              description = "How many sessions a member may have signed in "
                              + "at once, 0 for no limit; API keys and apps' grants do not count") Integer sessionLimit,
                      @io.swagger.v3.oas.annotations.media.Schema(description = "What a sign-in at the limit does: end-oldest "
                              + "(the member's oldest session is signed out) or refuse (the sign-in is refused)",
                              allowableValues = {"end-oldest", "refuse"}) String atSessionLimit) {
        static PolicyJson of(TeamPolicy p) {
            return new PolicyJson(TeamSettingsPages.idleCode(p.idleTimeout()), p.allowRememberMe(), p.rememberedDays(), p.lifetimeDays(),
                    p.requireSecondFactor(), p.sessionLimit(), TeamSettingsPages.atLimitCode(p.refuseAtLimit()));
        }
    }

    /**
     * A new policy. {@code requireSecondFactor}, {@code sessionLimit} and {@code atSessionLimit} may be left
     * out (clients from before they existed): each then keeps its value.
     *
     * @param idleTimeout "1d", "7d", "30d" or "never"
     */
    @dev.lanyard.IgnoresReadOnlyOf(PolicyJson.class)
    record PolicyChange(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"1d", "7d", "30d", "never"})
                        String idleTimeout,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Boolean allowRememberMe,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "" + TeamPolicy.MAX_DAYS,
                                description = "At least lifetimeDays") Integer rememberedDays,
                        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", maximum = "" + TeamPolicy.MAX_LIFETIME_DAYS)
                        Integer lifetimeDays,
                        @io.swagger.v3.oas.annotations.media.Schema(description = "Every member must have a second factor; "
                                + "left out, it keeps its value") @JsonDeserialize(using = NullRefused.class) Boolean requireSecondFactor,
                        @Schema(minimum = "0", maximum = "" + TeamPolicy.MAX_SESSION_LIMIT,
                                description = "How many sessions a member may have signed "
                                + "in at once (1-100), 0 for no limit; left out, it keeps its value")
                        @JsonDeserialize(using = NullRefused.class) Integer sessionLimit,
                        @io.swagger.v3.oas.annotations.media.Schema(description = "end-oldest or refuse; left out, it keeps its value",
                                allowableValues = {"end-oldest", "refuse"}) @JsonDeserialize(using = NullRefused.class) String atSessionLimit) {
    }

    @Operation(operationId = "getTeamPolicy", summary = "Your team's session policy")
    @GetMapping
    org.springframework.http.ResponseEntity<PolicyJson> get(@AuthenticationPrincipal CurrentSession current) {
        return tagged(accounts.policy(current.account().team()));
    }

    /** The policy with its version as an {@code ETag}, for a later {@code PUT}'s {@code If-Match}. */
    private static org.springframework.http.ResponseEntity<PolicyJson> tagged(TeamPolicy policy) {
        return org.springframework.http.ResponseEntity.ok().eTag("\"" + policy.version() + "\"").body(PolicyJson.of(policy));
    }

    /** {@code value}, or the refusal of {@code field} left out. */
    private static <T> T required(String field, T value, String message) {
        if (value == null) throw new AccountProblem.InvalidInput(field, message);
        return value;
    }

    /** RFC 9110's entity-tag: an opaque quoted string, weak with {@code W/} before it; group 1 is what the quotes hold. */
    private static final String ENTITY_TAG = "(?:W/)?\"([\\x21\\x23-\\x7E\\x80-\\xFF]*)\"";
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile(ENTITY_TAG);
    /** A list of entity-tags, separated by commas with optional spaces, empty elements allowed (RFC 9110 5.6.1). */
    private static final java.util.regex.Pattern TAG_LIST = java.util.regex.Pattern.compile(
            "[ \\t]*(?:" + ENTITY_TAG + "[ \\t]*)?(?:,[ \\t]*(?:" + ENTITY_TAG + "[ \\t]*)?)*");

    /**
     * What the tags of an {@code If-Match} hold: none for no header or {@code *}. A weak tag counts as its value.
     *
     * @throws AccountProblem.InvalidInput the header is neither {@code *} nor a list of at least one entity-tag (an
     *                                     unquoted version, say, or an empty value): it names no read of the policy
     */
    static java.util.List<String> ifMatchTags(String ifMatch) {
        if (ifMatch == null || ifMatch.strip().equals("*")) return java.util.List.of();
        java.util.List<String> tags = TAG_LIST.matcher(ifMatch).matches()
                ? TAG.matcher(ifMatch).results().map(tag -> tag.group(1)).toList() : java.util.List.of();
        // An empty value (or only commas) would otherwise read as no header: a client whose ETag came out empty would
        // overwrite another admin's change (outside review AS).
        if (tags.isEmpty()) {
            throw new AccountProblem.InvalidInput("If-Match", "If-Match must be the ETag of the policy you read, with its quotes "
                    + "(such as \"0f3c8e5a9b2d4c71\"), or *.");
        }
        return tags;
    }

    /**
     * The version {@code tags} ask for, given the policy's {@code current} one: none for no tags; the current one if the
     * list has it (RFC 9110 13.1.1), else the first.
     */
    static java.util.Optional<String> readVersion(java.util.List<String> tags, String current) {
        if (tags.isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of(tags.contains(current) ? current : tags.get(0));
    }

    @Operation(operationId = "replaceTeamPolicy",
            summary = "Replace your team's session policy (admins); applies to open sessions from their next request",
            description = "Send the ETag of the GET you changed as If-Match: if another admin changed the policy since, "
                    + "nothing is saved and the answer is 412 policy-changed. Without If-Match the last write wins.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The policy as saved, with its new ETag")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "400",
            description = "invalid-input: every field at fault at once, each in errors (field is the first); nothing is saved. "
                    + "An If-Match that is neither * nor a list of quoted ETags (an unquoted version, say) is at fault as field If-Match")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "412",
            description = "policy-changed: another admin changed the policy since the read whose ETag was sent as If-Match")
    @PutMapping
    org.springframework.http.ResponseEntity<PolicyJson> put(@AuthenticationPrincipal CurrentSession current, @RequestBody PolicyChange body,
            @org.springframework.web.bind.annotation.RequestHeader(value = "If-Match", required = false) String ifMatch) {
        dev.lanyard.session.TeamSessions.requireAdmin(current);
        // Every field read with its rules before any is refused, so the answer names all that are wrong at once.
        InputErrors<AccountProblem.InvalidInput> errors = new InputErrors<>(AccountProblem.InvalidInput.class);
        Optional<Duration> idle = errors.read(() -> TeamSettingsPages.idle(
                required("idleTimeout", body.idleTimeout(), "idleTimeout is required: 1d, 7d, 30d or never.")));
        Optional<Boolean> allowRememberMe = errors.read(() -> required("allowRememberMe", body.allowRememberMe(), "allowRememberMe is required."));
        Optional<Integer> remembered = errors.read(() -> TeamPolicy.validRememberedDays(
                required("rememberedDays", body.rememberedDays(), "rememberedDays is required.")));
        Optional<Integer> lifetime = errors.read(() -> TeamPolicy.validLifetimeDays(
                required("lifetimeDays", body.lifetimeDays(), "lifetimeDays is required.")));
        TeamSettingsPages.checkDays(errors, remembered, lifetime);
        TeamPolicy before = accounts.policy(current.account().team());
        boolean secondFactor = body.requireSecondFactor() != null ? body.requireSecondFactor() : before.requireSecondFactor();
        Optional<Integer> limit = errors.read(() -> TeamPolicy.validSessionLimit(
                body.sessionLimit() != null ? body.sessionLimit() : before.sessionLimit()));
        Optional<Boolean> refuse = errors.read(() -> body.atSessionLimit() != null
                ? TeamSettingsPages.refuseAtLimit(body.atSessionLimit()) : before.refuseAtLimit());
        Optional<java.util.List<String>> tags = errors.read(() -> ifMatchTags(ifMatch));
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        TeamPolicy policy = new TeamPolicy(idle.orElseThrow(), allowRememberMe.orElseThrow(), remembered.orElseThrow(),
                lifetime.orElseThrow(), secondFactor, limit.orElseThrow(), refuse.orElseThrow());
        accounts.changePolicy(current.account(), policy, readVersion(tags.orElseThrow(), before.version()));
        return tagged(accounts.policy(current.account().team()));
    }
}
