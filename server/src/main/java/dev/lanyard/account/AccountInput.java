package dev.lanyard.account;

/**
 * The rules of what a newcomer types: a sign-up's fields ({@link #checked(SignUp)}), and the name and password rules
 * that invitations, password changes and resets share with it.
 */
final class AccountInput {
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 1024;

    private AccountInput() {
    }

    /** A sign-up's input, checked: the names stripped, the email normalized ({@link EmailRule}). */
    record Checked(String email, String name, String team) {
    }

    /** @throws AccountProblem.InvalidInput naming every field that breaks a rule ({@link dev.lanyard.InputErrors}) */
    static Checked checked(SignUp request) {
        String name = dev.lanyard.FreeText.strip(request.name());
        String teamName = dev.lanyard.FreeText.strip(request.team());
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        errors.check(() -> {
            checkControlCharacters("name", request.name());
            checkName(name);
        });
        String[] email = {""}; // the normalized email once it passes; a refused one is not compared with the password
        errors.check(() -> {
            checkControlCharacters("email", request.email());
            email[0] = EmailRule.forNewAccount(request.email());
        });
        errors.check(() -> {
            checkControlCharacters("password", request.password());
            checkPassword(request.password(), email[0], name);
        });
        errors.check(() -> {
            checkControlCharacters("team", request.team());
            checkText(teamName, "team", "Enter a team name (up to 100 characters).", "The team name");
        });
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        return new Checked(email[0], name, teamName);
    }

    /**
     * A field of a form that is checked whole ({@link dev.lanyard.ChecksControlCharacters}: the web layer let its control
     * characters through), refused as the web layer refuses them everywhere else, before any other rule reads it.
     */
    static void checkControlCharacters(String field, String raw) {
        dev.lanyard.ControlCharacters.refusal(field, raw).ifPresent(refused -> {
            throw new AccountProblem.InvalidInput(field, refused);
        });
    }

    /** The rules of a person's name, already stripped: given, at most 100 characters, no control or invisible ones. */
    static void checkName(String name) {
        checkText(name, "name", "Enter your name (up to 100 characters).", "The name");
    }

    private static void checkText(String text, String field, String missing, String what) {
        if (text.isEmpty() || dev.lanyard.FreeText.length(text) > 100) throw new AccountProblem.InvalidInput(field, missing);
        dev.lanyard.FreeText.refusal(text, false).ifPresent(refused -> {
            throw new AccountProblem.InvalidInput(field, what + " cannot contain " + refused + ".");
        });
    }

    /**
     * The rules of a chosen password (decision 68), for the account of {@code email} named {@code name}: its length, not one
     * that guessers try early, not that email address or name. The message names only what the chooser typed or is shown.
     *
     * <p>The rules read the password {@linkplain PasswordHasher#normalized normalized}, as it is hashed: a full-width
     * "ｐａｓｓｗｏｒｄ" is the common password it folds to, and a decomposed "é" is one character.
     *
     * @throws AccountProblem.InvalidInput on the field {@code password}
     */
    static void checkPassword(String typed, String email, String name) {
        String password = typed == null ? null : PasswordHasher.normalized(typed);
        if (password == null || password.length() < MIN_PASSWORD)
            throw new AccountProblem.InvalidInput("password", "Use a password of at least " + MIN_PASSWORD + " characters.");
        if (password.length() > MAX_PASSWORD)
            throw new AccountProblem.InvalidInput("password", "Use a password of at most " + MAX_PASSWORD + " characters.");
        if (CommonPasswords.guessable(password))
            throw new AccountProblem.InvalidInput("password", "This password is one that guessers try early (a common password, "
                    + "a repeated or ordered run, a walk along the keyboard). Choose another: a few unrelated words make a strong one.");
        if (PersonalPasswords.own(password, email, name))
            throw new AccountProblem.InvalidInput("password", "This password is your email address or your name (or part of it), "
                    + "which guessers who know whose account it is try first. Choose another: a few unrelated words make a strong one.");
    }

    /**
     * Whether a password is longer, {@linkplain PasswordHasher#normalized normalized}, than any password Lanyard takes,
     * and so cannot be right: refused before anything is hashed.
     */
    static boolean tooLong(String password) {
        return PasswordHasher.normalized(password).length() > MAX_PASSWORD;
    }
}
