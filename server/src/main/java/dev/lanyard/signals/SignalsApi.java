package dev.lanyard.signals;

import java.time.Instant;
import java.util.List;

import dev.lanyard.session.CurrentSession;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Admins enable Shared Signals per app and watch its streams' delivery. */
@RestController
@Tag(name = "Apps (OAuth / OpenID Connect clients)")
class SignalsApi {
    private final ReceiverApps receivers;

    SignalsApi(ReceiverApps receivers) {
        this.receivers = receivers;
    }

    record StreamStatusJson(String id, String description, @Schema(description = "enabled, paused or disabled") String status,
                            @Schema(description = "Why it has that status, as its receiver or Lanyard said; empty for none")
                            String statusReason,
                            @Schema(description = "urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll)") String method,
                            @Schema(nullable = true) String endpointUrl, List<String> eventsDelivered,
                            @Schema(nullable = true) Instant lastDeliveryAt, @Schema(nullable = true) String lastError,
                            @Schema(description = "Signals waiting for delivery or acknowledgement") long queued,
                            @Schema(description = "Waiting signals whose last push failed") long failing,
                            @Schema(description = "Signals given up after their last attempt") long gaveUp,
                            @Schema(nullable = true, description = "When the server that answered last saw the stream's polls take "
                                    + "each other's place, as when several receivers (instances of one app) poll it and each gets "
                                    + "only part of its events; null when not within the last hour")
                            Instant sharedPollsSeenAt) {
    }

    record SignalsJson(String appId, boolean enabled, List<StreamStatusJson> streams) {
        static SignalsJson of(ReceiverApps.Receiver r) {
            return new SignalsJson(r.app().id(), r.enabled(), r.streams().stream().map(w -> new StreamStatusJson(w.stream().id(),
                    w.stream().config().description(), w.stream().status().code(), w.stream().statusReason(), w.stream().config().method(),
                    w.stream().config().endpoint().orElse(null), List.copyOf(w.stream().eventsDelivered()),
                    w.stream().lastDeliveryAt().orElse(null), w.stream().lastError().orElse(null), w.figures().queued(),
                    w.figures().failing(), w.figures().gaveUp(), w.sharedPolls().orElse(null))).toList());
        }
    }

    /** A GET's answer may be sent back with enabled edited: the app's id and its streams are read-only and ignored. */
    @dev.lanyard.IgnoresReadOnlyOf(SignalsJson.class)
    record SignalsRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Boolean enabled) {
    }

    @Operation(operationId = "getAppSignals",
            summary = "Whether an app of your team receives Shared Signals, and its streams' delivery (admins)")
    @GetMapping("/api/v1/admin/apps/{id}/signals")
    SignalsJson get(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id) {
        return SignalsJson.of(receivers.receiver(admin, id));
    }

    @Operation(operationId = "setAppSignals", summary = "Let a confidential app receive Shared Signals, or stop it (admins)",
            description = "Stopping disables the app's streams and drops what waits for them. Letting it receive again enables the "
            + "streams that stopping disabled (not one its receiver disabled) and sends each a stream updated event (SSF 1.0): the "
            + "events of the time between were not kept.")
    @PutMapping("/api/v1/admin/apps/{id}/signals")
    SignalsJson set(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id, @RequestBody SignalsRequest body) {
        if (body.enabled() == null) throw new SignalProblem.InvalidInput("enabled", "Say enabled: true or false.");
        return SignalsJson.of(receivers.enable(admin, id, body.enabled()).receiver());
    }

    @Operation(operationId = "deleteAppSignalsStream", summary = "Delete one of an app's Shared Signals streams (admins)",
            description = "As its receiver could (SSF DELETE): the stream gets nothing more, and what waits for it is dropped. For a "
            + "stream nothing reads any more, such as one of an app instance that is gone; a receiver still running finds its "
            + "stream gone and creates another. Audited as app.signals-stream-deleted.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "Deleted")
    @org.springframework.web.bind.annotation.DeleteMapping("/api/v1/admin/apps/{id}/signals/streams/{streamId}")
    org.springframework.http.ResponseEntity<Void> deleteStream(@AuthenticationPrincipal CurrentSession admin, @PathVariable String id,
                                                               @PathVariable String streamId) {
        receivers.deleteStream(admin, id, streamId);
        return org.springframework.http.ResponseEntity.noContent().build();
    }
}
