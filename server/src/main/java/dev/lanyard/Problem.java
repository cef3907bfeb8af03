package dev.lanyard;

/**
 * Why an operation was refused: a stable {@link #code()} for the API, the HTTP {@link #status()}
 * that fits, a message in plain words, and the input at fault where there is one. Each module
 * names its own in a sealed subclass; the web layer turns any of them into a problem+json answer
 * or an error page without knowing the module.
 */
public abstract class Problem extends RuntimeException implements FieldErrors {
    /**
     * Request attribute: a message for the error page that a refusal answered with {@code sendError} shows in
     * place of its status's own sentence (a message in plain words, never an exception's).
     */
    public static final String ERROR_PAGE_MESSAGE = "lanyard.errorMessage";
    /** The error page's message for a form sent from another site, refused whatever its CSRF token (decision 3). */
    public static final String FOREIGN_FORM = "This form was sent from another site, so it was not accepted. "
            + "Go back to Lanyard, reload the page and try again.";

    private final String code;
    private final int status;
    private final String field;

    protected Problem(String code, int status, String message, String field) {
        super(message);
        this.code = code;
        this.status = status;
        this.field = field == null ? "" : field;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The input at fault, or empty. */
    public String field() {
        return field;
    }

    /** This one alone, unless it says several fields are at fault. */
    @Override
    public java.util.List<FieldError> fieldErrors() {
        return java.util.List.of(new FieldError(field, getMessage()));
    }

    /** What an error page says; a page about something missing may say more than the API does. */
    public String pageMessage() {
        return getMessage();
    }
}
