package dev.lanyard.audit;

import java.util.List;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Role;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Cursors;
import dev.lanyard.session.Download;
import dev.lanyard.session.Downloads;
import org.springdoc.core.annotations.ParameterObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** The audit log in the API: admins read their team's, members their own; admins verify the chain. */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "Audit")
class AuditApi {
    private final AuditLog audit;
    private final JsonMapper json;
    private final Downloads downloads;

    AuditApi(AuditLog audit, JsonMapper json, Downloads downloads) {
        this.downloads = downloads;
        this.audit = audit;
        this.json = json;
    }

    record EntryList(List<AuditJson> items, @Schema(nullable = true) String nextCursor) {
    }

    /**
     * @param brokenAt the seq where the chain breaks, or null
     * @param problem  hash-mismatch, prev-hash-mismatch, gap or head-mismatch, or null
     */
    record VerifyResult(boolean ok, long checked, @Schema(nullable = true) Long brokenAt, @Schema(nullable = true) String problem, String detail) {
    }

    @Operation(operationId = "listAuditEntries",
            summary = "Audit entries, newest first: your team's (admins) or your own (scope=own, and always for members). "
            + "Filters: action (a code such as session.revoked), actor (admins: account id or email), from and to "
            + "(a date such as 2026-01-31, a day in UTC unless zone names another such as Asia/Tokyo, or a UTC time). "
            + "Pages: limit (1–100) and the nextCursor of the previous page.")
    @GetMapping
    EntryList list(@AuthenticationPrincipal CurrentSession current, @ParameterObject AuditFilters filters,
                   @RequestParam(required = false) String scope, @RequestParam(defaultValue = "50") int limit,
                   @RequestParam(required = false) String cursor) {
        AuditQuery query = query(current, filters, scope);
        if (limit < 1 || limit > AuditLog.MAX_PAGE)
            throw new AccountProblem.InvalidInput("limit", "limit must be between 1 and " + AuditLog.MAX_PAGE + ".");
        AuditLog.Page page = audit.page(query, limit, AuditFilters.cursor(cursor));
        Viewer viewer = new Viewer(current.account().id());
        return new EntryList(page.items().stream().map(e -> AuditJson.of(e, viewer)).toList(),
                page.nextCursor().map(Cursors::encode).orElse(null));
    }

    @Operation(operationId = "exportAuditEntries",
            summary = "Audit entries as a CSV or JSON download, oldest first: your team's (admins) or your own "
            + "(scope=own, and always for members), with the same filters as the list")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "429", description = "Two downloads of yours are running, or six "
            + "are being prepared on the node: Retry-After says when to try again")
    @GetMapping("/export")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The entries",
            content = {@io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv",
                            schema = @Schema(type = "string")),
                    @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                            array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @Schema(implementation = AuditJson.class)))})
    Download export(@AuthenticationPrincipal CurrentSession current,
                    @ParameterObject AuditFilters filters,
                    @RequestParam(required = false) String scope,
                    @Schema(allowableValues = {"csv", "json"})
                    @RequestParam(defaultValue = "csv") String format) {
        AuditQuery query = query(current, filters, scope);
        return downloads.limited(current.account().id(), () -> AuditExport.of(audit, query, new Viewer(current.account().id()), format,
                query.own().isPresent() ? "activity" : "audit-log", json));
    }

    /** Admins read the team's entries unless they ask for their own; members only ever their own. */
    private static AuditQuery query(CurrentSession current, AuditFilters filters, String scope) {
        boolean admin = current.account().role() == Role.ADMIN;
        String chosen = scope == null || scope.isBlank() ? (admin ? "team" : "own") : scope.strip();
        return switch (chosen) {
            case "team" -> {
                if (!admin) throw new AccountProblem.Forbidden();
                yield filters.team(current.account().team());
            }
            case "own" -> filters.own(current.account().team(), current.account().id());
            default -> throw new AccountProblem.InvalidInput("scope", "scope must be team or own.");
        };
    }

    @Operation(operationId = "verifyAuditLog",
            summary = "Recompute your team's audit chain (admins) and report the first entry where it breaks")
    @PostMapping("/verify")
    VerifyResult verify(@AuthenticationPrincipal CurrentSession current) {
        AuditPages.requireAdmin(current);
        AuditLog.Verification result = audit.verify(current.account().team());
        if (result instanceof AuditLog.Verification.Broken broken) {
            return new VerifyResult(false, broken.checked(), broken.at(), broken.problem().code(), broken.detail());
        }
        return new VerifyResult(true, result.checked(), null, null, AuditPages.message(result));
    }
}
