package dev.lanyard.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Optional;

/**
 * A JSON request body, its bytes checked as they are read to be well-formed UTF-8 (Unicode, table 3-7): Jackson's
 * parser refuses a byte that starts no character, but decodes an overlong form ({@code C0 AF} as "/", {@code C0 BC} as
 * "&lt;"), a surrogate encoded in UTF-8 and a code point past U+10FFFF, so that a reason, an email or an app's name was
 * read as something other than what its bytes say: {@code C1 80} signed in as "@". Reading such a body fails with
 * {@link NotUtf8}, which {@link ErrorAdvice} answers 400 before anything is done. Nothing is copied: each chunk the
 * parser reads is checked in place. Forms need no such check: the container decodes them with the JDK's strict decoder
 * and {@link UnparsableParameters} refuses what it cannot decode.
 *
 * <p>A body that starts as UTF-16 or UTF-32 does (a zero among its first two bytes, or their byte order mark) is read as
 * before: Jackson detects it and decodes it as such.
 */
final class Utf8Body extends InputStream {
    private final InputStream in;
    /** Continuation bytes the current character still needs, and the range its next one must lie in. */
    private int needed;
    private int low = 0x80;
    private int high = 0xBF;
    /** Bytes read so far, and where the current character started (both from 0). */
    private long read;
    private long start;

    private Utf8Body(InputStream in) {
        this.in = in;
    }

    /** The body, checked as UTF-8 unless it starts as UTF-16 or UTF-32 does. Reads its first two bytes. */
    static InputStream of(InputStream body) throws IOException {
        PushbackInputStream in = new PushbackInputStream(body, 2);
        byte[] first = in.readNBytes(2);
        in.unread(first);
        return otherEncoding(first) ? in : new Utf8Body(in);
    }

    private static boolean otherEncoding(byte[] first) {
        if (first.length < 2) return false;
        int a = first[0] & 0xFF;
        int b = first[1] & 0xFF;
        return a == 0 || b == 0 || (a == 0xFE && b == 0xFF) || (a == 0xFF && b == 0xFE);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) ended();
        else check(b);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) ended();
        for (int i = offset; i < offset + n; i++) check(buffer[i] & 0xFF);
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void ended() throws NotUtf8 {
        if (needed > 0) throw new NotUtf8(start + 1);
    }

    private void check(int b) throws NotUtf8 {
        if (needed > 0) {
            if (b < low || b > high) throw new NotUtf8(start + 1);
            needed--;
            low = 0x80;
            high = 0xBF;
        } else if (b >= 0x80) {
            start = read;
            if (b >= 0xC2 && b <= 0xDF) expect(1, 0x80, 0xBF);
            else if (b == 0xE0) expect(2, 0xA0, 0xBF);          // not overlong
            else if (b == 0xED) expect(2, 0x80, 0x9F);          // not a surrogate
            else if (b >= 0xE1 && b <= 0xEF) expect(2, 0x80, 0xBF);
            else if (b == 0xF0) expect(3, 0x90, 0xBF);          // not overlong
            else if (b >= 0xF1 && b <= 0xF3) expect(3, 0x80, 0xBF);
            else if (b == 0xF4) expect(3, 0x80, 0x8F);          // not past U+10FFFF
            else throw new NotUtf8(read + 1);                   // 80–C1 and F5–FF start nothing
        }
        read++;
    }

    private void expect(int continuations, int firstLow, int firstHigh) {
        needed = continuations;
        low = firstLow;
        high = firstHigh;
    }

    /** The {@link NotUtf8} that made reading fail, if that is what failed. */
    static Optional<NotUtf8> cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotUtf8 notUtf8) return Optional.of(notUtf8);
        }
        return Optional.empty();
    }

    /** A body whose character starting at {@link #at} (counted from 1) is not well-formed UTF-8. */
    static final class NotUtf8 extends IOException {
        final long at;

        NotUtf8(long at) {
            super("The request body is not UTF-8 at byte " + at);
            this.at = at;
        }
    }
}
