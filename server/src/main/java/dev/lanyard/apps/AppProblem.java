package dev.lanyard.apps;

/**
 * Why an operation on apps or consents was refused, with a stable {@link #code()} for the API.
 * Another team's app is reported exactly like one that does not exist.
 */
public sealed class AppProblem extends dev.lanyard.Problem {
    AppProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    public static final class NotFound extends AppProblem {
        public NotFound() {
            super("app-not-found", 404, "No such app.", "");
        }
    }

    public static final class Forbidden extends AppProblem implements dev.lanyard.NotAnAdmin {
        public Forbidden() {
            super("forbidden", 403, "Only an admin of the team can do this.", "");
        }
    }

    /**
     * Input that breaks a rule. An app's fields are all checked before it is refused ({@link dev.lanyard.InputErrors}):
     * {@link #all()} then holds one refusal per rule broken, in the form's order, this one naming the first field and
     * saying every message.
     */
    public static final class InvalidInput extends AppProblem {
        private final java.util.List<InvalidInput> all;
        private final int item;

        public InvalidInput(String field, String message) {
            this(field, message, 0);
        }

        private final String unnumbered;

        /**
         * An {@code item}'s refusal begins with which one it is, counted from 1 as the list was given ("Redirect URI 2:"),
         * since one holding characters outside ASCII is not quoted; the page says its line instead ({@link #unnumbered()}).
         */
        private InvalidInput(String field, String message, int item) {
            super("invalid-input", 400, item > 0 ? "Redirect URI " + item + ": " + message : message, field);
            this.all = java.util.List.of(this);
            this.item = item;
            this.unnumbered = message;
        }

        private InvalidInput(java.util.List<InvalidInput> all) {
            super("invalid-input", 400, dev.lanyard.FieldErrors.detail(all.stream()
                    .flatMap(each -> each.fieldErrors().stream()).toList()), all.get(0).field());
            this.all = java.util.List.copyOf(all);
            this.item = 0;
            this.unnumbered = getMessage();
        }

        /** One refusal for these, in the form's order; one of them alone is itself. */
        public static InvalidInput of(java.util.List<InvalidInput> each) {
            return each.size() == 1 ? each.get(0) : new InvalidInput(each.stream().flatMap(one -> one.all().stream()).toList());
        }

        /** This refusal, said of the {@code item}th value of its field (counted from 1): one of several redirect URIs. */
        InvalidInput at(int item) {
            return new InvalidInput(field(), unnumbered, item);
        }

        /** The message without the item's number in front, for a page that says the item its own way. */
        public String unnumbered() {
            return unnumbered;
        }

        /**
         * Which value of a field that holds several is at fault, counted from 1 as they were given (a redirect URI's
         * line on the form); empty when the field as a whole is.
         */
        public java.util.OptionalInt item() {
            return item > 0 ? java.util.OptionalInt.of(item) : java.util.OptionalInt.empty();
        }

        @Override
        public java.util.List<FieldError> fieldErrors() {
            return all.stream().map(each -> new FieldError(each.field(), each.getMessage())).toList();
        }

        /** Each rule broken with its field and message, in the form's order: this one alone when one is. */
        public java.util.List<InvalidInput> all() {
            return all;
        }
    }
}
