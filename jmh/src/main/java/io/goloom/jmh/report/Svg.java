package io.goloom.jmh.report;

import java.util.List;
import java.util.Locale;

/** A grouped horizontal bar chart as a small self-contained SVG (no dependency). */
final class Svg {
    private Svg() {}

    /** One bar series: an implementation and its value per group (NaN = not measured). */
    record Series(String label, double[] values) {}

    private static final String[] COLORS = {"#00add8", "#e76f51", "#f4a261", "#2a9d8f", "#8ab17d", "#9b5de5",
        "#264653", "#6c757d", "#b5838d"};

    static String barChart(String title, String unit, List<String> groups, List<Series> series) {
        return barChart(title, unit, false, groups, series);
    }

    /** As above; {@code higherIsBetter} only changes the title's hint (requests/s, say). */
    static String barChart(String title, String unit, boolean higherIsBetter, List<String> groups,
                           List<Series> series) {
        int barH = 16;
        int gap = 10;
        int labelW = 250;
        int plotW = 430;
        int top = 40;
        int groupH = series.size() * barH + gap + 18;
        int height = top + groups.size() * groupH + 30;
        int width = labelW + plotW + 110;
        double max = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        if (max <= 0) {
            max = 1;
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                esc(title + " (" + unit + (higherIsBetter ? ", higher is better)" : ", lower is better)"))));
        int y = top;
        for (int g = 0; g < groups.size(); g++) {
            b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y + 12,
                    esc(groups.get(g))));
            y += 18;
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                double v = s.values()[g];
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                        labelW - 6, y + barH - 4, esc(s.label())));
                if (Double.isNaN(v)) {
                    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">not measured</text>%n",
                            labelW + 4, y + barH - 4));
                } else {
                    double w = Math.max(1, v / max * plotW);
                    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                            + "fill=\"%s\"/>%n", labelW, y + 1, w, barH - 2, COLORS[k % COLORS.length]));
                    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", labelW + w + 4,
                            y + barH - 4, esc(Report.fmt(v))));
                }
                y += barH;
            }
            y += gap;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
