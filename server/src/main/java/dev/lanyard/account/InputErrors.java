package dev.lanyard.account;

import java.util.ArrayList;
import java.util.List;

/**
 * The refusals of one form's fields, collected so that its answer names every field at fault at once rather than the
 * first one only (a person who fixes one and sends again should not meet the next only then).
 */
final class InputErrors {
    private final List<AccountProblem.InvalidInput> found = new ArrayList<>();

    /** Runs one field's rules; a refusal is kept for {@link #throwIfAny()}. Returns whether the field passed. */
    boolean check(Runnable rules) {
        try {
            rules.run();
            return true;
        } catch (AccountProblem.InvalidInput refused) {
            found.add(refused);
            return false;
        }
    }

    /** @throws AccountProblem.InvalidInput naming every field at fault, in the order they were checked */
    void throwIfAny() {
        if (!found.isEmpty()) throw AccountProblem.InvalidInput.of(found);
    }
}
