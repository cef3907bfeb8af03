package dev.lanyard.web;

import java.util.ArrayList;
import java.util.List;

import dev.lanyard.FreeText;
import org.springframework.stereotype.Component;

/**
 * Names people typed, inside sentences the server wrote (outside a11y review AK): an Arabic or Hebrew name takes the
 * punctuation around it along unless it is isolated, which a page does with {@code <bdi>} and plain text with Unicode's
 * first-strong isolate. Templates call it as {@code ${@names.quoted(sentence)}}, through the {@code quoted} fragment.
 */
@Component("names")
public class PageNames {
    private static final char OPEN = '\u201c';
    private static final char CLOSE = '\u201d';

    /** A piece of a sentence: a name that was between “ and ” (or isolated), or the words around it (the quotes among them). */
    public record Part(String text, boolean name) {
    }

    /**
     * {@code Renamed Chrome on macOS to “عمل”} as the words {@code Renamed Chrome on macOS to “}, the name {@code عمل}
     * and the words {@code ”}. The audit log and the messages name what people typed between “ and ”; a name with a ”
     * of its own ends at it (the rest stays words, shown as they are, isolated if they hold a direction control). What
     * the server put between first-strong isolate and its pop (a device description the audit log read from a
     * User-Agent: {@link FreeText#isolatedIfItTurns}) is a name too, without the two marks, which the {@code <bdi>}
     * stands for. Whichever opens first is closed first: a “ inside an isolated description pairs with nothing. A name
     * the server isolated inside its quotes (“, first-strong isolate, the name, its pop, ”: the audit log's app, key and
     * session names) is the isolated span, the quotes staying with the words.
     */
    public List<Part> quoted(String sentence) {
        List<Part> parts = new ArrayList<>();
        if (sentence == null) return parts;
        int from = 0;
        while (true) {
            int quote = sentence.indexOf(OPEN, from);
            int isolate = sentence.indexOf(FreeText.ISOLATE, from);
            boolean isolated = isolate >= 0 && (quote < 0 || isolate <= quote + 1);
            int open = isolated ? isolate : quote;
            int close = open < 0 ? -1 : sentence.indexOf(isolated ? FreeText.POP : CLOSE, open + 1);
            if (close < 0) break;
            // Quotes stay with the words around the name; the isolate's marks go.
            parts.add(new Part(sentence.substring(from, isolated ? open : open + 1), false));
            parts.add(new Part(sentence.substring(open + 1, close), true));
            from = isolated ? close + 1 : close;
        }
        parts.add(new Part(sentence.substring(from), false));
        parts.removeIf(p -> p.text().isEmpty());
        // Words that hold a direction control (a name with a ” of its own followed by an override, stored before such
        // names were refused) are isolated too, so that the override ends with them (outside review AN).
        parts.replaceAll(p -> !p.name() && FreeText.changesDirection(p.text()) ? new Part(p.text(), true) : p);
        return parts;
    }

    /**
     * An email address in the pieces between which it may wrap: each ends with its @ or a dot ({@code ada@}, {@code example.},
     * {@code com}), so that a narrow column breaks it there rather than inside a word. The {@code address} fragment puts a
     * {@code <wbr>} between them, as the audit log's action codes have one after each dot.
     */
    public List<String> addressPieces(String address) {
        List<String> pieces = new ArrayList<>();
        if (address == null || address.isEmpty()) return pieces;
        int from = 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if ((c == '@' || c == '.') && i + 1 < address.length()) {
                pieces.add(address.substring(from, i + 1));
                from = i + 1;
            }
        }
        pieces.add(address.substring(from));
        return pieces;
    }

    /**
     * A place in the parts a narrow column may wrap between: its city, region and country each whole, with the comma after
     * it ({@code London,}, {@code England,}, {@code United Kingdom}), so that the line breaks after "England," rather than
     * inside "United Kingdom". The {@code place} fragment puts a space between them; joined so, they are the place again.
     */
    public List<String> placeParts(String place) {
        List<String> parts = new ArrayList<>();
        if (place == null || place.isEmpty()) return parts;
        String[] named = place.split(", ");
        for (int i = 0; i < named.length; i++) parts.add(i < named.length - 1 ? named[i] + "," : named[i]);
        return parts;
    }

    /** {@code name} between Unicode's first-strong isolate and its pop, for text that holds no markup (a page's title). */
    public String isolated(String name) {
        return FreeText.ISOLATE + name + FreeText.POP;
    }
}
