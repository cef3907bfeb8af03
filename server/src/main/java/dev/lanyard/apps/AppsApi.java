package dev.lanyard.apps;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.lanyard.InputErrors;
import dev.lanyard.session.CurrentSession;
import io.swagger.v3.oas.annotations.Operation;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Apps in the API: admins register them; members see and revoke the ones they connected. */
@RestController
@Tag(name = "Apps (OAuth / OpenID Connect clients)")
class AppsApi {
    private final Apps apps;

    AppsApi(Apps apps) {
        this.apps = apps;
    }

    record AppJson(String id, String clientId, String name, String description, String logoUrl, List<String> redirectUris,
                   @Schema(allowableValues = {"public", "confidential"},
                           description = "public (PKCE only) or confidential (PKCE and a client secret)") String type,
                   Set<String> scopes, @Schema(nullable = true) String backchannelLogoutUri, Instant createdAt, Instant updatedAt) {
        static AppJson of(AppClient a) {
            return new AppJson(a.id(), a.clientId(), a.name(), a.description(), a.logoUrl(), a.redirectUris(),
                    a.confidential() ? "confidential" : "public", new TreeSet<>(a.scopes()),
                    a.backchannelLogoutUri().orElse(null), a.createdAt(), a.updatedAt());
        }
    }

    record RegisteredJson(AppJson app, @Schema(nullable = true, description = "The client secret of a confidential app: shown this once, never again")
                          String clientSecret) {
    }

    /**
     * Registers or changes an app. An app as the API shows it may be sent back edited: its id, clientId and times
     * are read-only and ignored; its type is set when it is registered and cannot change.
     */
    @dev.lanyard.IgnoresReadOnlyOf(AppJson.class)
    record AppRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name, String description, String logoUrl,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<String> redirectUris,
                      @Schema(allowableValues = {"public", "confidential"}, description = "Chosen when registering (absent: public); "
                              + "a change may send the app's own type back, not the other one") String type,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Set<String> scopes,
                      @Schema(nullable = true, description = "absent, null or empty: none") String backchannelLogoutUri) {
        /** The app as drafted; an unknown type is refused into {@code errors}, to be said with the draft's other faults. */
        AppClient.Draft draft(InputErrors<AppProblem.InvalidInput> errors) {
            boolean confidential = errors.read(() -> AppInput.confidential(type)).orElse(false);
            return new AppClient.Draft(name, description, logoUrl, redirectUris, confidential, scopes, backchannelLogoutUri);
        }
    }

    record ConsentJson(String appId, String memberId, Set<String> scopes, Instant consentedAt) {
        static ConsentJson of(Consent c) {
            return new ConsentJson(c.clientId(), c.accountId(), new TreeSet<>(c.scopes()), c.consentedAt());
        }
    }

    /** An app the member connected; its grants' sessions split by state, each most recently used first. */
    record ConnectedJson(AppJson app, Set<String> scopes, Instant consentedAt, @Schema(nullable = true) Instant lastActivity,
                         @Schema(description = "The app's sessions that are active: those through which it has access now")
                         List<String> sessionIds,
                         @Schema(description = "The app's sessions that have ended and are still in your session history")
                         List<String> endedSessionIds) {
        static ConnectedJson of(Apps.Connected c) {
            AppJson app = AppJson.of(c.app());
            // A member sees what the app is, not how it is configured.
            AppJson visible = new AppJson(app.id(), app.clientId(), app.name(), app.description(), app.logoUrl(), List.of(),
                    app.type(), app.scopes(), null, app.createdAt(), app.updatedAt());
            return new ConnectedJson(visible, new TreeSet<>(c.consent().scopes()), c.consent().consentedAt(),
                    c.lastActivity().orElse(null), c.activeSessionIds(), c.endedSessionIds());
        }
    }

    record RevokedJson(int members) {
    }

    @Operation(operationId = "listApps", summary = "Apps registered by your team (admins)")
    @GetMapping("/api/v1/admin/apps")
    List<AppJson> list(@AuthenticationPrincipal CurrentSession admin) {
        return apps.list(admin).stream().map(AppJson::of).toList();
    }

    @Operation(operationId = "registerApp", summary = "Register an app; a confidential app's secret is in this answer only")
    @ApiResponse(responseCode = "201", description = "Registered")
    @PostMapping("/api/v1/admin/apps")
    ResponseEntity<RegisteredJson> register(@AuthenticationPrincipal CurrentSession admin, @RequestBody AppRequest body) {
        InputErrors<AppProblem.InvalidInput> errors = new InputErrors<>(AppProblem.InvalidInput.class);
        AppClient.Registered registered = apps.register(admin, body.draft(errors), errors, made -> { });
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new RegisteredJson(AppJson.of(registered.client()), registered.secret().orElse(null)));
    }

    @Operation(operationId = "getApp", summary = "One app of your team")
    @GetMapping("/api/v1/admin/apps/{id}")
    AppJson get(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        return AppJson.of(apps.get(admin, id));
    }

    @Operation(operationId = "updateApp", summary = "Change an app (its type cannot change)")
    @PutMapping("/api/v1/admin/apps/{id}")
    AppJson change(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestBody AppRequest body) {
        AppClient current = apps.get(admin, id);
        String type = current.confidential() ? "confidential" : "public";
        // Sent back as read it is accepted; another type would be a change this operation cannot make, not one to drop.
        InputErrors<AppProblem.InvalidInput> errors = new InputErrors<>(AppProblem.InvalidInput.class);
        errors.check(() -> {
            if (body.type() != null && !body.type().strip().equals(type)) {
                throw new AppProblem.InvalidInput("type", "An app's type cannot change: this one is " + type
                        + ". Register a new app for the other type.");
            }
        });
        AppClient.Draft draft = new AppRequest(body.name(), body.description(), body.logoUrl(), body.redirectUris(),
                type, body.scopes(), body.backchannelLogoutUri()).draft(errors);
        return AppJson.of(apps.change(admin, id, draft, errors));
    }

    @Operation(operationId = "deleteApp", summary = "Delete an app: every member's access to it ends")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @DeleteMapping("/api/v1/admin/apps/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        apps.delete(admin, id);
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "listAppConsents", summary = "Members' consents to an app")
    @GetMapping("/api/v1/admin/apps/{id}/consents")
    List<ConsentJson> consents(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        return apps.consents(admin, id).stream().map(ConsentJson::of).toList();
    }

    @Operation(operationId = "revokeAppForEveryone",
            summary = "Revoke an app for everyone: every member's grants end and their consents are forgotten")
    @DeleteMapping("/api/v1/admin/apps/{id}/consents")
    RevokedJson revokeForEveryone(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        return new RevokedJson(apps.revokeForEveryone(admin, id));
    }

    @Operation(operationId = "listConnectedApps", summary = "Apps you connected to your account")
    @GetMapping("/api/v1/apps")
    List<ConnectedJson> connected(@AuthenticationPrincipal CurrentSession member) {
        return apps.connected(member).stream().map(ConnectedJson::of).toList();
    }

    @Operation(operationId = "revokeApp",
            summary = "Revoke an app's access: its grants end at once and your consent is forgotten")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @DeleteMapping("/api/v1/apps/{id}")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal CurrentSession member, @PathVariable String id) {
        apps.revokeAccess(member, id);
        return ResponseEntity.noContent().build();
    }
}
