package dev.lanyard.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a session looks suspicious (PRODUCT.md V3), as the risk assessment found it: a stable
 * {@link #code()} ("new-device", "new-country", ...), a concern level and the reason in plain
 * words ("First sign-in from Germany"). Kept with the session, so every list and page that shows
 * a session can show its flags without asking anyone else.
 */
public record SessionFlag(String code, Level level, String reason) {

    /** How worried the member should be; stored as its {@link #rank()}. */
    public enum Level {
        LOW("Low"), MEDIUM("Medium"), HIGH("High");

        private final String label;

        Level(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** 1, 2 or 3; 0 is a session without flags. */
        public int rank() {
            return ordinal() + 1;
        }
    }

    public SessionFlag {
        Objects.requireNonNull(level, "level");
        code = clean(Objects.requireNonNull(code, "code"));
        reason = clean(Objects.requireNonNull(reason, "reason"));
        if (code.isEmpty()) throw new IllegalArgumentException("a flag needs a code");
    }

    /** Highest level among {@code flags}, if any. */
    public static Optional<Level> highest(List<SessionFlag> flags) {
        // A loop: asked for every session written out (each /current), most of which have no flag at all.
        Level highest = null;
        for (SessionFlag flag : flags) {
            if (highest == null || flag.level.compareTo(highest) > 0) highest = flag.level;
        }
        return Optional.ofNullable(highest);
    }

    /** One flag a line, code, level and reason separated by tabs (which {@link #clean} keeps out of each). */
    static String encode(List<SessionFlag> flags) {
        StringBuilder out = new StringBuilder();
        for (SessionFlag f : flags) {
            if (!out.isEmpty()) out.append('\n');
            out.append(f.code).append('\t').append(f.level.name()).append('\t').append(f.reason);
        }
        return out.toString();
    }

    /** What {@link #encode} wrote; a line this version cannot read is left out. */
    static List<SessionFlag> decode(String text) {
        if (text == null || text.isEmpty()) return List.of();
        List<SessionFlag> flags = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split("\t", 3);
            if (parts.length != 3) continue;
            try {
                flags.add(new SessionFlag(parts[0], Level.valueOf(parts[1]), parts[2]));
            } catch (IllegalArgumentException unknown) {
                // written by a newer version; not shown rather than failing the whole list
            }
        }
        return List.copyOf(flags);
    }

    private static String clean(String s) {
        return s.chars().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
    }
}
