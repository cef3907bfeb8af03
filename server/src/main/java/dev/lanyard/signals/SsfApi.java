package dev.lanyard.signals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.apps.AppClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Shared Signals Framework 1.0 transmitter's API for receivers: stream configuration, status,
 * verification, and poll delivery (RFC 8936). Receivers authenticate with their own access token
 * (client credentials with the scope {@code ssf}); nothing here takes a member's session or cookie.
 */
@RestController
@Tag(name = "Shared Signals (receivers)")
@SecurityRequirement(name = SsfApi.SCHEME, scopes = Receivers.SCOPE)
class SsfApi {
    static final String SCHEME = "ssfReceiver";
    static final String BASE = "/api/v1/ssf";
    /**
     * A query's stream_id: required, as SSF 1.0 says, but optional to Spring MVC, so that one left out is refused by
     * {@link Streams#get} like a body's (400 naming stream_id), not in the framework's words.
     */
    private static final String STREAM_ID = "The stream, as its creation answered it";

    private final Streams streams;
    private final Transmitter transmitter;

    /** Each handler's first argument is the receiver, authenticated before anything else is read ({@link ReceiverArguments}). */
    SsfApi(Streams streams, Transmitter transmitter) {
        this.streams = streams;
        this.transmitter = transmitter;
    }

    record DeliveryJson(@Schema(description = "urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll)") String method,
                        @JsonProperty("endpoint_url") @Schema(nullable = true, description = "push: the receiver's endpoint; poll: where to poll")
                        String endpointUrl) {
    }

    /**
     * {@code authorization_header} is read as a node: left out it is Java's null, and kept where it still applies; JSON null
     * removes the header, which a String could not tell from left out.
     */
    record DeliveryRequest(String method, @JsonProperty("endpoint_url") String endpointUrl,
                           @JsonProperty("authorization_header")
                           @Schema(implementation = String.class, nullable = true, description = "Sent as Authorization with each "
                                   + "push; never shown back. Left out, the stream keeps the one it has while it stays push to the "
                                   + "same endpoint_url (a PUT too); null removes it") JsonNode authorizationHeader) {
        /** The header asked for: empty when left out, blank (remove it) for JSON null. */
        Optional<String> authorization() {
            if (authorizationHeader == null) return Optional.empty();
            if (authorizationHeader.isNull()) return Optional.of("");
            if (!authorizationHeader.isString()) {
                throw new SignalProblem.InvalidInput("delivery.authorization_header", "authorization_header is a string, or null to remove it.");
            }
            return Optional.of(authorizationHeader.asString());
        }
    }

    record StreamJson(@JsonProperty("stream_id") String streamId, String iss, String aud,
                      @JsonProperty("events_supported") Set<String> eventsSupported,
                      @JsonProperty("events_requested") Set<String> eventsRequested,
                      @JsonProperty("events_delivered") Set<String> eventsDelivered,
                      DeliveryJson delivery, String description,
                      @Schema(description = "How members are named in subjects: iss_sub or email") String format,
                      @Schema(description = "Seconds that must pass between two verification requests on the stream")
                      @JsonProperty("min_verification_interval") long minVerificationInterval) {
    }

    /**
     * A stream's configuration as a receiver sends it: the Receiver-Supplied properties, the stream_id, and the
     * Transmitter-Supplied ones a receiver may send back as it read them (SSF 1.0 §8.1.1.3 and §8.1.1.4), which
     * {@link TransmitterSupplied} holds to what Lanyard answers.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StreamRequest(@JsonProperty("stream_id") String streamId, DeliveryRequest delivery,
                         @JsonProperty("events_requested") Set<String> eventsRequested, String description, String format,
                         @Schema(nullable = true, description = TransmitterSupplied.ECHO) String iss,
                         @Schema(nullable = true, description = TransmitterSupplied.ECHO + " A string or an array of strings",
                                 oneOf = {String.class, String[].class}) Object aud,
                         @JsonProperty("events_supported") @Schema(nullable = true, description = TransmitterSupplied.ECHO)
                         Set<String> eventsSupported,
                         @JsonProperty("events_delivered") @Schema(nullable = true, description = TransmitterSupplied.ECHO
                                 + " Compared with the events delivered before the change") Set<String> eventsDelivered,
                         @JsonProperty("min_verification_interval") @Schema(nullable = true, description = TransmitterSupplied.ECHO)
                         Long minVerificationInterval,
                         @JsonProperty("inactivity_timeout") @Schema(nullable = true, description = "Lanyard sets no inactivity "
                                 + "timeout: absent or null") Long inactivityTimeout) {
        Streams.Request request() {
            Optional<DeliveryRequest> d = Optional.ofNullable(delivery);
            return new Streams.Request(Optional.ofNullable(description), Optional.ofNullable(eventsRequested),
                    d.map(DeliveryRequest::method), d.map(DeliveryRequest::endpointUrl), d.flatMap(DeliveryRequest::authorization),
                    Optional.ofNullable(format));
        }
    }

    record StatusJson(@JsonProperty("stream_id") String streamId, @Schema(description = "enabled, paused or disabled") String status,
                      String reason) {
    }

    /** A status change: the reason is optional (SSF 1.0 §8.1.2.2), which a schema shared with the answer could not say. */
    record StatusRequest(@JsonProperty("stream_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String streamId,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "enabled, paused or disabled") String status,
                         String reason) {
    }

    record VerifyRequest(@JsonProperty("stream_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String streamId, String state) {
    }

    record SetError(String err, String description) {
    }

    record PollRequest(@Schema(minimum = "0", description = "The most SETs to answer (RFC 8936 §2.4); more than "
                               + Streams.MAX_POLL + " is read as " + Streams.MAX_POLL + ". Default " + Streams.DEFAULT_POLL)
                       Integer maxEvents, Boolean returnImmediately, List<String> ack, Map<String, SetError> setErrs) {
    }

    record PollJson(@Schema(description = "SETs by jti (each a signed JWT, typ secevent+jwt)") Map<String, String> sets,
                    boolean moreAvailable) {
    }

    /** {@code issuer}: as the request reached Lanyard ({@link Transmitter#issuer(HttpServletRequest)}). */
    StreamJson json(AppClient receiver, Stream s, String issuer) {
        String endpoint = s.config().push() ? s.config().endpoint().orElse(null) : pollUrl(issuer, s);
        return new StreamJson(s.id(), issuer, receiver.clientId(), new TreeSet<>(SecurityEvents.SUPPORTED),
                new TreeSet<>(s.config().eventsRequested()), s.eventsDelivered(), new DeliveryJson(s.config().method(), endpoint),
                s.config().description(), s.config().format(), Streams.MIN_VERIFICATION_INTERVAL.toSeconds());
    }

    /** Where a poll stream is polled: Transmitter-Supplied. */
    private static String pollUrl(String issuer, Stream s) {
        return issuer + BASE + "/poll/" + s.id();
    }

    private TransmitterSupplied transmitterSupplied(AppClient receiver, String issuer) {
        return new TransmitterSupplied(issuer, receiver.clientId(), Streams.MIN_VERIFICATION_INTERVAL.toSeconds(),
                s -> pollUrl(issuer, s));
    }

    @Operation(operationId = "createStream", summary = "Create a stream (SSF 1.0 section 8.1.1.1)")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "409", description = "The receiver has as many streams as it may")
    @PostMapping(BASE + "/streams")
    ResponseEntity<StreamJson> create(@Parameter(hidden = true) AppClient receiver,
                                      @RequestBody StreamRequest body, HttpServletRequest request) {
        String issuer = transmitter.issuer(request);
        transmitterSupplied(receiver, issuer).check(body, Optional.empty(), false);
        Stream created = streams.create(receiver, body.request(), transmitter.reachedAt(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(json(receiver, created, issuer));
    }

    /** SSF 1.0 §8.1.1.2: with a stream_id, the answer is that stream's configuration; without, every stream's, in an array. */
    @Operation(operationId = "getStreams", summary = "One stream with stream_id (an object), or all the receiver's streams (an array)")
    @ApiResponse(responseCode = "200", description = "With stream_id: that stream. Without: the receiver's streams",
            content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {StreamJson.class, StreamJson[].class})))
    @GetMapping(BASE + "/streams")
    Object read(@Parameter(hidden = true) AppClient receiver,
                @RequestParam(name = "stream_id", required = false) String streamId, HttpServletRequest request) {
        String issuer = transmitter.issuer(request);
        if (streamId != null) return json(receiver, streams.get(receiver, streamId), issuer);
        return streams.list(receiver).stream().map(s -> json(receiver, s, issuer)).toList();
    }

    @Operation(operationId = "updateStream",
            summary = "Change what the request names of a stream; Transmitter-Supplied properties may be sent back as read "
            + "(a different value is 400)")
    @PatchMapping(BASE + "/streams")
    StreamJson update(@Parameter(hidden = true) AppClient receiver,
                      @RequestBody StreamRequest body, HttpServletRequest request) {
        String issuer = transmitter.issuer(request);
        transmitterSupplied(receiver, issuer).check(body, Optional.of(streams.get(receiver, body.streamId())), false);
        return json(receiver, streams.update(receiver, body.streamId(), body.request(), false, transmitter.reachedAt(request)), issuer);
    }

    @Operation(operationId = "replaceStream",
            summary = "Replace a stream's configuration; Transmitter-Supplied properties may be sent back as read "
            + "(a different value is 400)",
            description = "What the request leaves out is reset, except delivery.authorization_header, which Lanyard never shows "
            + "back: left out, it is kept while the stream stays push to the same endpoint_url, so a stream read and put back "
            + "keeps it; \"authorization_header\": null removes it.")
    @PutMapping(BASE + "/streams")
    StreamJson replace(@Parameter(hidden = true) AppClient receiver,
                       @RequestBody StreamRequest body, HttpServletRequest request) {
        String issuer = transmitter.issuer(request);
        transmitterSupplied(receiver, issuer).check(body, Optional.of(streams.get(receiver, body.streamId())), true);
        return json(receiver, streams.update(receiver, body.streamId(), body.request(), true, transmitter.reachedAt(request)), issuer);
    }

    @Operation(operationId = "deleteStream", summary = "Delete a stream; what waits for it is dropped")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @DeleteMapping(BASE + "/streams")
    ResponseEntity<Void> delete(@Parameter(hidden = true) AppClient receiver,
                                @Parameter(required = true, description = STREAM_ID)
                                @RequestParam(name = "stream_id", required = false) String streamId) {
        streams.delete(receiver, streamId);
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "getStreamStatus", summary = "A stream's status")
    @GetMapping(BASE + "/status")
    StatusJson status(@Parameter(hidden = true) AppClient receiver,
                      @Parameter(required = true, description = STREAM_ID)
                      @RequestParam(name = "stream_id", required = false) String streamId) {
        Stream s = streams.get(receiver, streamId);
        return new StatusJson(s.id(), s.status().code(), s.statusReason());
    }

    @Operation(operationId = "setStreamStatus", summary = "Enable, pause (keep and deliver later) or disable (drop) a stream")
    @PostMapping(BASE + "/status")
    StatusJson setStatus(@Parameter(hidden = true) AppClient receiver,
                         @RequestBody StatusRequest body) {
        Stream s = streams.status(receiver, body.streamId(), body.status(), body.reason());
        return new StatusJson(s.id(), s.status().code(), s.statusReason());
    }

    @Operation(operationId = "verifyStream", summary = "Ask for a verification event on the stream")
    @ApiResponse(responseCode = "204", description = "Queued")
    @ApiResponse(responseCode = "429", description = "Asked again within min_verification_interval; see Retry-After")
    @PostMapping(BASE + "/verify")
    ResponseEntity<Void> verify(@Parameter(hidden = true) AppClient receiver,
                                @RequestBody VerifyRequest body) {
        streams.verify(receiver, body.streamId(), Optional.ofNullable(body.state()));
        return ResponseEntity.noContent().build();
    }

    /** Each refused SET's error code ("" when the receiver named none). */
    private static Map<String, String> errorCodes(Map<String, SetError> setErrs) {
        Map<String, String> codes = new LinkedHashMap<>();
        setErrs.forEach((jti, error) -> codes.put(jti, error == null || error.err() == null ? "" : error.err()));
        return codes;
    }

    /** Answered asynchronously: a poll waiting for a SET holds no container thread (decision 58). */
    @Operation(operationId = "pollStream", summary = "Poll a stream's SETs and acknowledge those received (RFC 8936)")
    @PostMapping(BASE + "/poll/{streamId}")
    CompletableFuture<PollJson> poll(@Parameter(hidden = true) AppClient receiver,
                                     @PathVariable String streamId, @RequestBody PollRequest body) {
        return streams.poll(receiver, streamId, body.ack() == null ? List.of() : body.ack(),
                body.setErrs() == null ? Map.of() : errorCodes(body.setErrs()), Optional.ofNullable(body.maxEvents()),
                Boolean.TRUE.equals(body.returnImmediately())).thenApply(polled -> new PollJson(polled.sets(), polled.moreAvailable()));
    }
}
