package dev.lanyard.keys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys in the API: the caller's own, and an admin's view of their team's members' keys.
 * Another member's key reads as no key (404); another team's member is not found (404).
 */
@RestController
@Tag(name = "API keys")
class ApiKeyApi {
    private final ApiKeys keys;
    private final ClientAddresses addresses;

    ApiKeyApi(ApiKeys keys, ClientAddresses addresses) {
        this.keys = keys;
        this.addresses = addresses;
    }

    /** Its fields are checked together, control characters among their rules, so a refusal names every field at fault. */
    @dev.lanyard.ChecksControlCharacters
    record NewKeyJson(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
                      @ArraySchema(minItems = 1, arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                              description = "What the key may do: sessions:read, sessions:write (reading included), admin (admins only)"),
                              schema = @Schema(allowableValues = {"sessions:read", "sessions:write", "admin"}))
                      List<String> scopes,
                      @Schema(nullable = true, description = "absent or null: never expires") Instant expiresAt,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Your password: a key is a way into your "
                              + "account that outlives a password change, so a copied session is not enough to make one. A wrong one "
                              + "answers 401 and counts towards the sign-in throttle") String password) {
    }

    record CreatedJson(@Schema(description = "The secret: shown this once, never again") String secret, ApiKeyJson key) {
    }

    record KeyList(List<ApiKeyJson> items, @Schema(nullable = true) String nextCursor) {
    }

    record HourJson(Instant hour, long requests) {
    }

    record UsageJson(List<HourJson> hours) {
    }

    @Operation(operationId = "createApiKey",
            summary = "Create an API key; the secret is in this answer only. Not with an API key.")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "400", description = "invalid-input: every field at fault at once (name, scopes, expiresAt, a "
            + "missing password), each in errors (field is the first); the password is checked only when the rest is right")
    @ApiResponse(responseCode = "401", description = "The password is wrong")
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords lately: Retry-After says when to try again")
    @PostMapping("/api/v1/api-keys")
    ResponseEntity<CreatedJson> create(@AuthenticationPrincipal CurrentSession current, @RequestBody NewKeyJson body,
                                       jakarta.servlet.http.HttpServletRequest request) {
        var created = keys.create(current, new ApiKeys.NewApiKey(body.name(), body.scopes(), Optional.ofNullable(body.expiresAt())),
                body.password(), addresses.resolve(request).getHostAddress());
        var listed = keys.get(current.account().id(), created.key().id());
        return ResponseEntity.status(HttpStatus.CREATED).body(new CreatedJson(created.secret(), ApiKeyJson.of(listed, true)));
    }

    @Operation(operationId = "listApiKeys",
            summary = "Your active API keys, newest first, with last use and requests in the last 24 hours")
    @GetMapping("/api/v1/api-keys")
    KeyList list(@AuthenticationPrincipal CurrentSession current, @RequestParam(defaultValue = "50") int limit,
                 @RequestParam(required = false) String cursor) {
        checkLimit(limit);
        return page(keys.list(current.account().id(), limit, Optional.ofNullable(cursor)), true);
    }

    @Operation(operationId = "getApiKey", summary = "One of your API keys, active or revoked")
    @GetMapping("/api/v1/api-keys/{id}")
    ApiKeyJson get(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        return ApiKeyJson.of(keys.get(current.account().id(), new SessionId(id)), true);
    }

    @Operation(operationId = "getApiKeyUsage", summary = "Requests per hour over the last 24 hours, oldest first (24 entries)")
    @GetMapping("/api/v1/api-keys/{id}/usage")
    UsageJson usage(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        return usage(keys.get(current.account().id(), new SessionId(id)));
    }

    @Operation(operationId = "revokeApiKey",
            summary = "Revoke one of your API keys: refused from the next request on, on every node. Not with an API key.")
    @ApiResponse(responseCode = "204", description = "Revoked (or already ended)")
    @DeleteMapping("/api/v1/api-keys/{id}")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal CurrentSession current, @PathVariable String id) {
        keys.revoke(current, new SessionId(id));
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "listMemberApiKeys", summary = "Admins: a member's active API keys (another team's member: 404)")
    @GetMapping("/api/v1/admin/members/{member}/api-keys")
    KeyList listOf(@AuthenticationPrincipal CurrentSession admin, @PathVariable String member,
                   @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        checkLimit(limit);
        boolean own = admin.account().id().value().equals(member);
        return page(keys.listOf(admin, new AccountId(member), limit, Optional.ofNullable(cursor)), own);
    }

    @Operation(operationId = "revokeMemberApiKey", summary = "Admins: revoke a member's API key, at once on every node")
    @ApiResponse(responseCode = "204", description = "Revoked (or already ended)")
    @DeleteMapping("/api/v1/admin/members/{member}/api-keys/{id}")
    ResponseEntity<Void> revokeOf(@AuthenticationPrincipal CurrentSession admin, @PathVariable String member,
                                  @PathVariable String id) {
        keys.revokeOf(admin, new AccountId(member), new SessionId(id));
        return ResponseEntity.noContent().build();
    }

    private UsageJson usage(ApiKeys.Listed listed) {
        return new UsageJson(keys.lastDay(listed.key()).stream().map(h -> new HourJson(h.hour(), h.requests())).toList());
    }

    private static KeyList page(ApiKeys.Page page, boolean fullIp) {
        return new KeyList(page.items().stream().map(l -> ApiKeyJson.of(l, fullIp)).toList(), page.nextCursor().orElse(null));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > ApiKeys.MAX_PAGE)
            throw new KeyProblem.InvalidInput("limit", "limit must be between 1 and " + ApiKeys.MAX_PAGE + ".");
    }
}
