package dev.lanyard.web;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Whatever ends in the container's error path: API requests get problem+json, people get a page
 * that says what happened and where to go, never a stack trace; both with the security headers,
 * even when the request never passed the security chain's header writer.
 */
@Controller
class ErrorPages implements ErrorController {
    /** Request attribute: a message for the error page in place of the status's own. */
    static final String MESSAGE = dev.lanyard.Problem.ERROR_PAGE_MESSAGE;
    /** Request attribute: a {@link Link} for the error page in place of the way back to the sessions list. */
    static final String LINK = "lanyard.errorLink";
    static final Link SESSIONS = new Link("/settings/sessions", "Back to your sessions");

    /** Where the error page leads, and what the link says. */
    record Link(String href, String label) {
    }

    @RequestMapping(value = "/error", produces = MediaType.TEXT_HTML_VALUE)
    ModelAndView page(HttpServletRequest request, HttpServletResponse response) {
        SecurityHeaders.apply(response);
        HttpStatus status = status(request);
        String message = request.getAttribute(MESSAGE) instanceof String custom ? custom : message(status);
        Link link = request.getAttribute(LINK) instanceof Link given ? given : SESSIONS;
        ModelAndView view = new ModelAndView("error", Map.of("status", status.value(), "message", message, "link", link));
        view.setStatus(status);
        return view;
    }

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> problem(HttpServletRequest request, HttpServletResponse response) {
        SecurityHeaders.apply(response);
        HttpStatus status = status(request);
        String code = status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        ProblemDetail problem = Problems.of(status, code, message(status));
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
            problem.setInstance(Problems.instance(uri));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static HttpStatus status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        if (status == null && request.getAttribute(MESSAGE) != null) return HttpStatus.FORBIDDEN;
        // /error asked for by a client, not reached by the container's error dispatch: there is nothing there.
        if (status == null && request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) return HttpStatus.NOT_FOUND;
        return status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }

    /** A fixed sentence per status: never the exception's message, which may name internals or echo input. */
    static String message(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "There is nothing at this address.";
            case FORBIDDEN -> "You are not allowed to do this.";
            case METHOD_NOT_ALLOWED -> "This address does not accept that kind of request.";
            case BAD_REQUEST -> "The request was not valid.";
            case URI_TOO_LONG, REQUEST_HEADER_FIELDS_TOO_LARGE -> "The address or the request's headers are too long.";
            case CONTENT_TOO_LARGE -> BodyLimit.PAGE_MESSAGE;
            default -> status.is5xxServerError()
                    ? "Something went wrong on our side. Nothing you did was lost; please try again."
                    : status.getReasonPhrase();
        };
    }
}
