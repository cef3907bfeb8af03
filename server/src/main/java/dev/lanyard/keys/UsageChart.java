package dev.lanyard.keys;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The last 24 hours of a key's requests as an SVG bar chart, drawn on the server so it reads
 * without JavaScript. Each bar carries a {@code <title>} (a tooltip and an accessible name); the
 * page also shows the same numbers as a table. The bars are UTC hours, labelled in UTC; each label
 * carries its hour's start ({@code data-hour}) and each text naming the zone its wording
 * ({@code data-zone-text}), from which {@code times.js} shows them in the browser's zone.
 *
 * <p>The hour labels ({@link #labels}, every sixth hour) are the page's own text under the chart, not text in the
 * SVG: a text in the SVG shrinks with it, and at 390 px it was 5 px tall (outside review). The SVG holds the bars
 * alone and stretches to the height the page gives it ({@code preserveAspectRatio="none"}), so a narrow screen gets
 * narrower bars, not a flatter chart.
 */
record UsageChart(String svg, long max, long total, List<Label> labels) {
    static final int WIDTH = 720;
    static final int HEIGHT = 140;
    private static final int BOTTOM = 2;
    /** Every this many hours a label, each under its hour's bar: four in a row, a quarter of the width each. */
    static final int LABEL_EVERY = 6;

    /** An hour's label: its start, and how it reads in UTC ("18:00"). */
    record Label(java.time.Instant hour, String text) {
    }
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    static UsageChart of(List<ApiKeys.HourCount> hours) {
        long max = hours.stream().mapToLong(ApiKeys.HourCount::requests).max().orElse(0);
        long total = hours.stream().mapToLong(ApiKeys.HourCount::requests).sum();
        int slot = WIDTH / Math.max(1, hours.size());
        int plot = HEIGHT - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"usage-chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" preserveAspectRatio=\"none\" role=\"img\" aria-labelledby=\"usage-title\">")
                .append("<title id=\"usage-title\" data-zone-text=\"").append(title("{zone}", total, max)).append("\">")
                .append(title("UTC", total, max)).append("</title>")
                .append("<line x1=\"0\" y1=\"").append(plot).append("\" x2=\"").append(WIDTH).append("\" y2=\"").append(plot)
                .append("\" stroke=\"currentColor\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"/>");
        List<Label> labels = new java.util.ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            ApiKeys.HourCount h = hours.get(i);
            int height = max == 0 ? 0 : (int) Math.round((double) h.requests() * (plot - 8) / max);
            if (h.requests() > 0 && height < 2) height = 2;
            int x = i * slot + 2;
            String requests = ": " + h.requests() + (h.requests() == 1 ? " request" : " requests");
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(plot - height).append("\" width=\"").append(slot - 4)
                    .append("\" height=\"").append(height).append("\" fill=\"currentColor\" opacity=\"0.75\"><title data-hour=\"")
                    .append(h.hour()).append("\" data-hour-after=\"").append(requests).append("\">").append(HOUR.format(h.hour())).append(" UTC")
                    .append(requests).append("</title></rect>");
            if (i % LABEL_EVERY == 0) labels.add(new Label(h.hour(), HOUR.format(h.hour())));
        }
        svg.append("</svg>");
        return new UsageChart(svg.toString(), max, total, List.copyOf(labels));
    }

    /**
     * The chart's caption: "1 request in the last 24 hours; the busiest hour had 1.", "No requests in the last 24 hours."
     * (outside review: it said "1 requests").
     */
    public String caption() {
        if (total == 0) return "No requests in the last 24 hours.";
        return total + (total == 1 ? " request" : " requests") + " in the last 24 hours; the busiest hour had " + max + ".";
    }

    static String hour(java.time.Instant hour) {
        return HOUR.format(hour);
    }

    private static String title(String zone, long total, long max) {
        return "Requests per hour over the last 24 hours (" + zone + "): " + total + " in all, at most " + max + " in one hour";
    }
}
