package dev.lanyard.web;

import java.util.Map;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.session.SessionProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** Named problems raised behind a page become an error page with the right status and a plain message. */
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

    private static ModelAndView page(HttpStatus status, String message) {
        ModelAndView view = new ModelAndView("error", Map.of("status", status.value(), "message", message));
        view.setStatus(status);
        return view;
    }
}
