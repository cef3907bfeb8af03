package dev.lanyard.web;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.session.SessionProblem;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns the API's failures into {@code application/problem+json}: the modules' named problems
 * with their stable codes, and Spring MVC's own (unreadable JSON, wrong types, unknown paths)
 * with a {@code type} of ours. Applies to REST controllers only; pages handle their own errors.
 */
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(annotations = org.springframework.web.bind.annotation.RestController.class)
class ErrorAdvice extends ResponseEntityExceptionHandler {
    private final BodyLimit bodyLimit;

    ErrorAdvice(BodyLimit bodyLimit) {
        this.bodyLimit = bodyLimit;
    }

    @ExceptionHandler(AccountProblem.class)
    ResponseEntity<ProblemDetail> account(AccountProblem problem, jakarta.servlet.http.HttpServletRequest request) {
        HttpStatus status = problem instanceof AccountProblem.InvalidCredentials || problem instanceof AccountProblem.PasswordChanged
                ? HttpStatus.UNAUTHORIZED
                : problem instanceof AccountProblem.EmailTaken || problem instanceof AccountProblem.InvitedEmailHasAccount ? HttpStatus.CONFLICT
                : problem instanceof AccountProblem.SessionLimitReached ? HttpStatus.CONFLICT
                : problem instanceof AccountProblem.TooManyAttempts ? HttpStatus.TOO_MANY_REQUESTS
                : problem instanceof AccountProblem.Forbidden || problem instanceof AccountProblem.NotWithApiKey ? HttpStatus.FORBIDDEN
                : problem instanceof AccountProblem.NotFound ? HttpStatus.NOT_FOUND
                : problem instanceof AccountProblem.LastAdmin ? HttpStatus.CONFLICT
                : problem instanceof AccountProblem.PolicyChanged ? HttpStatus.PRECONDITION_FAILED
                : problem instanceof AccountProblem.InvitationUnusable || problem instanceof AccountProblem.SignUpLinkUnusable ? HttpStatus.GONE
                : HttpStatus.BAD_REQUEST;
        var response = challenged(ResponseEntity.status(status), status, request);
        if (problem instanceof AccountProblem.TooManyAttempts tooMany) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()));
        }
        return response.body(Problems.of(status, problem.code(), message(problem), problem));
    }

    private static final String KEY_WITHOUT_ADMIN =
            "Only an admin of your team can do this, with an API key that has the admin scope; this key does not have it.";

    /**
     * The problem's own message, except that a refusal for not being an admin, to an admin's key without the admin scope
     * (which acts as a member, decision 18), says what the key lacks, not only the role.
     */
    private static String message(RuntimeException problem) {
        return problem instanceof dev.lanyard.NotAnAdmin && keyWithoutAdminScope() ? KEY_WITHOUT_ADMIN : problem.getMessage();
    }

    private static boolean keyWithoutAdminScope() {
        var authentication = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof dev.lanyard.session.CurrentSession current
                && current.keyScopes().filter(scopes -> !scopes.contains(dev.lanyard.keys.KeyScope.ADMIN.code())).isPresent();
    }

    @ExceptionHandler(SessionProblem.class)
    ResponseEntity<ProblemDetail> session(SessionProblem problem, jakarta.servlet.http.HttpServletRequest request) {
        HttpStatus status = HttpStatus.valueOf(problem.status());
        String field = problem instanceof SessionProblem.InvalidInput input ? input.field()
                : problem instanceof SessionProblem.InvalidCursor ? "cursor" : null;
        var response = challenged(ResponseEntity.status(status), status, request);
        if (problem instanceof SessionProblem.TooManyDownloads) response.header(HttpHeaders.RETRY_AFTER, "10");
        return response.body(Problems.of(status, problem.code(), problem.getMessage(), field));
    }

    /** Every module's named problem that needs nothing more than its status, code, message and field. */
    @ExceptionHandler(dev.lanyard.Problem.class)
    ResponseEntity<ProblemDetail> problem(dev.lanyard.Problem problem, jakarta.servlet.http.HttpServletRequest request) {
        HttpStatus status = HttpStatus.valueOf(problem.status());
        var response = challenged(ResponseEntity.status(status), status, request);
        // RFC 9110 §15.5.16: a 415 for a content coding names the coding the server takes.
        if (problem instanceof dev.lanyard.BodyEncoding.Unreadable unreadable && unreadable.compressed()) {
            response.header(HttpHeaders.ACCEPT_ENCODING, "identity");
        }
        return response.body(Problems.of(status, problem.code(), message(problem), problem));
    }

    @ExceptionHandler(dev.lanyard.signals.SignalProblem.class)
    ResponseEntity<ProblemDetail> signal(dev.lanyard.signals.SignalProblem problem, jakarta.servlet.http.HttpServletRequest request) {
        HttpStatus status = HttpStatus.valueOf(problem.status());
        var response = challenged(ResponseEntity.status(status), status, request);
        if (problem instanceof dev.lanyard.signals.SignalProblem.TooManyVerifications tooMany) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()));
        }
        return response.body(Problems.of(status, problem.code(), message(problem), problem.field()));
    }

    /** A {@code 401} with its challenge ({@link Problems#bearerChallenge}), as the security chain's entry point gives it (re-check AF). */
    static <B extends ResponseEntity.HeadersBuilder<B>> B challenged(B response, HttpStatus status,
                                                                     jakarta.servlet.http.HttpServletRequest request) {
        return status == HttpStatus.UNAUTHORIZED ? response.header(HttpHeaders.WWW_AUTHENTICATE, Problems.bearerChallenge(request)) : response;
    }

    /** A parameter not of its type: a number that is not one in decimal digits ({@link QueryNumbers}) is told so. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String kind = kind(e.getRequiredType());
        String detail = kind.equals("a whole number") ? "'" + e.getName() + "' must be a whole number, in decimal digits."
                : "The value of '" + e.getName() + "' is not valid.";
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-parameter", detail, e.getName()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (BodyLimit.tooLarge(e)) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(bodyLimit.problem());
        }
        var notUtf8 = Utf8Body.cause(e);
        if (notUtf8.isPresent()) {
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                    "The request body is not valid UTF-8 (at byte " + notUtf8.get().at + "): send JSON encoded as UTF-8."));
        }
        if (e.getMostSpecificCause() instanceof tools.jackson.databind.exc.UnrecognizedPropertyException unknown
                && !unknown.getPath().isEmpty()) {
            String field = field(unknown.getPath());
            String within = field(unknown.getPath().subList(0, unknown.getPath().size() - 1));
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                    unknownField(field, within, unknown.getKnownPropertyIds()), field));
        }
        if (e.getMostSpecificCause() instanceof tools.jackson.databind.exc.MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            String field = field(mismatch.getPath());
            if (mismatch instanceof dev.lanyard.NullRefused.Given) {
                return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                        "'" + field + "' cannot be null: leave it out to keep its value.", field));
            }
            if (mismatch instanceof StrictJson.ControlCharacterInJson control) {
                return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-input",
                        dev.lanyard.ControlCharacters.detail(field, control.what), field));
            }
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                    "'" + field + "' must be " + kind(mismatch.getTargetType()) + ".", field));
        }
        if (e.getMostSpecificCause() instanceof tools.jackson.core.exc.InputCoercionException outOfRange
                && !outOfRange.getPath().isEmpty()) {
            String field = field(outOfRange.getPath());
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                    "'" + field + "' is out of range: see the field's documented values.", field));
        }
        java.util.regex.Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getMostSpecificCause().getMessage()));
        if (duplicate.find()) {
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json",
                    "'" + duplicate.group(1) + "' is given more than once.", duplicate.group(1)));
        }
        if (empty(e)) return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json", EMPTY_BODY));
        if (e instanceof StrictJson.NotAnObject || e.getMostSpecificCause() instanceof tools.jackson.databind.exc.MismatchedInputException) {
            return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json", NOT_AN_OBJECT));
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-json", summary(e)));
    }

    /** Said of a body with nothing in it, where a blank body was "JSON, but not of the expected shape" (outside review). */
    static final String EMPTY_BODY = "The request body is empty: send a JSON object with the documented fields.";
    /**
     * Said of a body that is JSON but no object ({@code null}, an array, a string, a number, {@code true}): what is left of
     * the mismatches that name no field, as every request body of the API is an object.
     */
    static final String NOT_AN_OBJECT = "The request body must be a JSON object with the documented fields.";

    /**
     * Whether the body was empty: no byte at all (Spring's "Required request body is missing": every request body of the
     * API is required), or only JSON's whitespace, which Jackson reads as no content.
     */
    private static boolean empty(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() == e) return String.valueOf(e.getMessage()).startsWith("Required request body is missing");
        return e.getMostSpecificCause() instanceof tools.jackson.databind.exc.MismatchedInputException mismatch
                && String.valueOf(mismatch.getOriginalMessage()).startsWith("No content to map");
    }

    /** Jackson's message for a key given twice (StreamReadFeature.STRICT_DUPLICATE_DETECTION, see {@link StrictJson}). */
    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("Duplicate Object property \"([^\"]{1,100})\"");

    /** {@code policy.rememberedDays}, {@code ids[2]}: where in the body the wrong value is. */
    private static String field(java.util.List<tools.jackson.core.JacksonException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (var step : path) {
            if (step.getPropertyName() != null) out.append(out.isEmpty() ? "" : ".").append(step.getPropertyName());
            else out.append('[').append(step.getIndex()).append(']');
        }
        return out.toString();
    }

    /**
     * "'idleTimout' is not a field of this request. Its fields are: allowRememberMe, ...": the fields that would
     * have been read, in a stable (alphabetical) order, so the misspelt key's right name is in the answer.
     */
    static String unknownField(String field, String within, java.util.Collection<Object> known) {
        String detail = "'" + field + "' is not a field of this request.";
        if (known == null || known.isEmpty()) return detail;
        String names = String.join(", ", known.stream().map(String::valueOf).sorted().toList());
        return detail + (within.isEmpty() ? " Its fields are: " : " The fields of '" + within + "' are: ") + names + ".";
    }

    private static String kind(Class<?> type) {
        if (type == null) return "of another type";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type == java.time.Instant.class) return "a date and time like 2027-01-01T00:00:00Z, in the years 1970 to 9999";
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        return "an object";
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        var error = e.getBindingResult().getFieldErrors().stream().findFirst();
        String field = error.map(f -> f.getField()).orElse("");
        String detail = error.map(f -> "'" + f.getField() + "' " + f.getDefaultMessage()).orElse("The request is not valid.");
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", detail, field));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        // Spring's own exceptions arrive here with no body yet; take theirs now so it gets our type.
        if (body == null && e instanceof org.springframework.web.ErrorResponse error) {
            body = error.updateAndGetBody(getMessageSource(), org.springframework.context.i18n.LocaleContextHolder.getLocale());
        }
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || problem.getType().toString().equals("about:blank"))) {
            HttpStatus known = HttpStatus.resolve(status.value());
            String code = known == null ? "error" : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            problem.setType(java.net.URI.create("urn:lanyard:problem:" + code));
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    /**
     * What is wrong with the body, in our words: the parser's own message names Java types and
     * constructors ({@code dev.lanyard.admin.TeamPolicyApi$PolicyJson}) and echoes input.
     */
    private static String summary(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof tools.jackson.core.exc.StreamReadException read && read.getLocation() != null
                && read.getLocation().getLineNr() > 0) {
            return "The request body is not valid JSON (line " + read.getLocation().getLineNr()
                    + ", column " + read.getLocation().getColumnNr() + ").";
        }
        if (cause instanceof tools.jackson.core.JacksonException) {
            return "The request body is JSON, but not of the expected shape: send an object with the documented fields.";
        }
        return "The request body is missing or is not JSON.";
    }
}
