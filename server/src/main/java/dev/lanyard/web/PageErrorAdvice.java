package dev.lanyard.web;

import java.util.Map;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.session.SessionProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Named problems raised behind a page become an error page with the right status and a plain message, as does a field
 * the page's handler could not read.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class PageErrorAdvice {

    @ExceptionHandler(SessionProblem.class)
    ModelAndView session(SessionProblem problem) {
        return page(HttpStatus.valueOf(problem.status()), problem instanceof SessionProblem.NotFound
                ? "This session does not exist, or it is not yours." : problem.getMessage());
    }

    @ExceptionHandler(AccountProblem.class)
    ModelAndView account(AccountProblem problem) {
        HttpStatus status = problem instanceof AccountProblem.Forbidden || problem instanceof AccountProblem.NotWithApiKey ? HttpStatus.FORBIDDEN
                : problem instanceof AccountProblem.NotFound ? HttpStatus.NOT_FOUND
                : problem instanceof AccountProblem.LastAdmin || problem instanceof AccountProblem.InvitedEmailHasAccount ? HttpStatus.CONFLICT
                : problem instanceof AccountProblem.InvitationUnusable || problem instanceof AccountProblem.SignUpLinkUnusable ? HttpStatus.GONE
                : HttpStatus.BAD_REQUEST;
        return page(status, problem.getMessage());
    }

    /** Every other module's named problem. */
    @ExceptionHandler(dev.lanyard.Problem.class)
    ModelAndView problem(dev.lanyard.Problem problem) {
        return page(HttpStatus.valueOf(problem.status()), problem.pageMessage());
    }

    /**
     * A field whose value the handler cannot read as its type (a checkbox's {@code forbidden=maybe}), named, where the
     * page said only "The request was not valid" (outside review). The name is the handler's own, never what was sent.
     */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView notUnderstood(MethodArgumentTypeMismatchException mismatch) {
        return page(HttpStatus.BAD_REQUEST, "The value of the field “" + mismatch.getName() + "” was not understood, so nothing "
                + "was done. Go back, reload the page and try again.");
    }

    private static ModelAndView page(HttpStatus status, String message) {
        ModelAndView view = new ModelAndView("error", Map.of("status", status.value(), "message", message));
        view.setStatus(status);
        return view;
    }
}
