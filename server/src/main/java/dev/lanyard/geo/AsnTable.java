package dev.lanyard.geo;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The ISP (the organisation that announces an address's network) by address, from the
 * {@code @ip-location-db/asn} CSV files ({@code start,end,asn,"org name"}, addresses as decimal
 * numbers, ranges sorted by start).
 *
 * <p>The ~500,000 ranges are kept in sorted primitive arrays, with each organisation name stored
 * once, and looked up by binary search: a few MB of arrays plus the names, instead of the
 * ~100 MB that one object per range would take.
 */
final class AsnTable {

    static final AsnTable EMPTY = new AsnTable(new Ranges(false), new Ranges(true), new String[0]);

    private final Ranges ipv4;
    private final Ranges ipv6;
    private final String[] names;

    private AsnTable(Ranges ipv4, Ranges ipv6, String[] names) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.names = names;
    }

    /**
     * Reads both files. Lines that cannot be read are skipped and counted in {@link #skipped()}.
     *
     * @throws IOException if a file cannot be read or its ranges are not sorted
     */
    static AsnTable load(Path ipv4Csv, Path ipv6Csv) throws IOException {
        Map<String, Integer> nameIds = new HashMap<>();
        Ranges ipv4 = read(ipv4Csv, new Ranges(false), nameIds);
        Ranges ipv6 = read(ipv6Csv, new Ranges(true), nameIds);
        String[] names = new String[nameIds.size()];
        nameIds.forEach((name, id) -> names[id] = name);
        return new AsnTable(ipv4, ipv6, names);
    }

    /** The organisation name for {@code address}, or empty if no range holds it. */
    String isp(InetAddress address) {
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        int found;
        if (address instanceof Inet4Address) {
            found = ipv4.find(0, Integer.toUnsignedLong(bytes.getInt()));
        } else {
            long hi = bytes.getLong();
            long lo = bytes.getLong();
            found = ipv6.find(hi, lo);
        }
        return found < 0 ? "" : names[found];
    }

    int size() {
        return ipv4.size + ipv6.size;
    }

    int skipped() {
        return ipv4.skipped + ipv6.skipped;
    }

    private static Ranges read(Path csv, Ranges ranges, Map<String, Integer> nameIds) throws IOException {
        int maxBits = ranges.wide ? 128 : 32;
        try (BufferedReader lines = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                int c1 = line.indexOf(',');
                int c2 = line.indexOf(',', c1 + 1);
                int c3 = line.indexOf(',', c2 + 1);
                if (c1 < 0 || c2 < 0 || c3 < 0) {
                    ranges.skipped++;
                    continue;
                }
                try {
                    BigInteger start = new BigInteger(line.substring(0, c1));
                    BigInteger end = new BigInteger(line.substring(c1 + 1, c2));
                    if (start.signum() < 0 || end.bitLength() > maxBits || start.compareTo(end) > 0) {
                        ranges.skipped++;
                        continue;
                    }
                    String name = unquote(line.substring(c3 + 1));
                    ranges.add(start, end, nameIds.computeIfAbsent(name, n -> nameIds.size()));
                } catch (NumberFormatException e) {
                    ranges.skipped++;
                }
            }
        }
        if (ranges.unsorted) throw new IOException(csv + " is not sorted by range start");
        ranges.trim();
        return ranges;
    }

    /** A CSV field: {@code "LLC ""SPUTNIK"""} is {@code LLC "SPUTNIK"}. */
    static String unquote(String field) {
        String f = field.strip();
        if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
            f = f.substring(1, f.length() - 1).replace("\"\"", "\"");
        }
        return f.strip();
    }

    /**
     * Ranges of unsigned numbers as parallel primitive arrays: IPv4 bounds in one {@code int}
     * each, IPv6 bounds in two {@code long}s (high and low halves), so IPv4 ranges, four in five
     * of all, do not pay for 128 bits.
     */
    private static final class Ranges {
        private final boolean wide;
        private int[] start4 = new int[0];
        private int[] end4 = new int[0];
        private long[] start6 = new long[0];
        private long[] end6 = new long[0];
        private int[] name = new int[0];
        int size;
        int skipped;
        /** Binary search needs sorted starts; the files are sorted, and this notices if one is not. */
        boolean unsorted;

        Ranges(boolean wide) {
            this.wide = wide;
        }

        void add(BigInteger start, BigInteger end, int nameId) {
            if (size == name.length) resize(Math.max(1 << 12, size * 2));
            long hi = start.shiftRight(64).longValue();
            if (size > 0 && compareStart(size - 1, hi, start.longValue()) > 0) unsorted = true;
            if (wide) {
                start6[2 * size] = hi;
                start6[2 * size + 1] = start.longValue();
                end6[2 * size] = end.shiftRight(64).longValue();
                end6[2 * size + 1] = end.longValue();
            } else {
                start4[size] = start.intValue();
                end4[size] = end.intValue();
            }
            name[size++] = nameId;
        }

        void trim() {
            resize(size);
        }

        private void resize(int capacity) {
            name = Arrays.copyOf(name, capacity);
            if (wide) {
                start6 = Arrays.copyOf(start6, 2 * capacity);
                end6 = Arrays.copyOf(end6, 2 * capacity);
            } else {
                start4 = Arrays.copyOf(start4, capacity);
                end4 = Arrays.copyOf(end4, capacity);
            }
        }

        /** The name id of the range holding {@code hi:lo} (IPv4: {@code lo} only), or -1. */
        int find(long hi, long lo) {
            // The last range starting at or before the address is the only one that can hold it.
            int low = 0;
            int high = size - 1;
            int candidate = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (compareStart(mid, hi, lo) <= 0) {
                    candidate = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            if (candidate < 0) return -1;
            int cmp = wide
                    ? compare(hi, lo, end6[2 * candidate], end6[2 * candidate + 1])
                    : Long.compare(lo, Integer.toUnsignedLong(end4[candidate]));
            return cmp <= 0 ? name[candidate] : -1;
        }

        /** Compares range {@code i}'s start with {@code hi:lo}. */
        int compareStart(int i, long hi, long lo) {
            return wide
                    ? compare(start6[2 * i], start6[2 * i + 1], hi, lo)
                    : Long.compare(Integer.toUnsignedLong(start4[i]), lo);
        }

        private static int compare(long aHi, long aLo, long bHi, long bLo) {
            int cmp = Long.compareUnsigned(aHi, bHi);
            return cmp != 0 ? cmp : Long.compareUnsigned(aLo, bLo);
        }
    }
}
