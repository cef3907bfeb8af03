package dev.lanyard.privacy;

import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Download;
import dev.lanyard.session.Downloads;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** A member's copy of their data over the API (PRODUCT.md D6). An API key can never take it. */
@RestController
@Tag(name = "Account")
class DataExportApi {
    private final DataExports exports;
    private final JsonMapper json;
    private final Downloads downloads;
    private final ExternalOrigins origins;

    DataExportApi(DataExports exports, JsonMapper json, Downloads downloads, ExternalOrigins origins) {
        this.downloads = downloads;
        this.origins = origins;
        this.exports = exports;
        this.json = json;
    }

    @Operation(operationId = "exportAccountData",
            summary = "What Lanyard keeps about you, as one JSON document (a download): your account, active sessions "
            + "with details, user agent, coordinates, full IP and timeline, ended sessions with why they ended, your activity in "
            + "the audit log, API keys, connected apps, passkeys, two-factor state, sign-in alert setting, what the sign-in checks "
            + "remember and the mails sent to you. No secret is in it: no password hash, token, key secret, seed or code; nor "
            + "mail bodies, the hourly request counts behind \"requests today\" or the sign-in throttle's counters. The export "
            + "is recorded in your activity. Not for API keys.")
    @ApiResponse(responseCode = "200", description = "The document, as an attachment lanyard-data-<date>.json",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DataExport.class)))
    @ApiResponse(responseCode = "403", description = "The request is made with an API key, or from another origin")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "429", description = "Two downloads of yours are running, or six "
            + "are being prepared on the node: Retry-After says when to try again")
    @GetMapping("/api/v1/account/export")
    Download export(@AuthenticationPrincipal CurrentSession current, HttpServletRequest request) {
        ExportDownload.requireSameOrigin(request, origins);
        return downloads.limited(current.account().id(), () -> ExportDownload.of(exports.export(current), json),
                () -> exports.exported(current));
    }
}
