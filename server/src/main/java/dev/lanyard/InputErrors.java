package dev.lanyard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The refusals of one form's fields, collected so that its answer names every field at fault at once rather than the
 * first one only (a person who fixes one and sends again should not meet the next only then). Each module's rules throw
 * their own refusal of bad input ({@code R}); anything else they throw goes through at once.
 */
public final class InputErrors<R extends RuntimeException & FieldErrors> {
    private final Class<R> refusal;
    private final List<R> found = new ArrayList<>();

    public InputErrors(Class<R> refusal) {
        this.refusal = refusal;
    }

    /** Runs one field's rules; a refusal is kept for {@link #throwIfAny}. Returns whether the field passed. */
    public boolean check(Runnable rules) {
        return read(() -> {
            rules.run();
            return true;
        }).isPresent();
    }

    /** Reads one field with its rules: its value, or empty when they refused it (the refusal kept for {@link #throwIfAny}). */
    public <T> Optional<T> read(Supplier<T> reader) {
        try {
            return Optional.of(reader.get());
        } catch (RuntimeException thrown) {
            if (!refusal.isInstance(thrown)) throw thrown;
            found.add(refusal.cast(thrown));
            return Optional.empty();
        }
    }

    /** The refusals so far, in the order the fields were checked. */
    public List<R> found() {
        return List.copyOf(found);
    }

    /** @throws RuntimeException {@code together}'s refusal of every field at fault, in the order they were checked */
    public void throwIfAny(Function<List<R>, ? extends RuntimeException> together) {
        if (!found.isEmpty()) throw together.apply(found());
    }
}
