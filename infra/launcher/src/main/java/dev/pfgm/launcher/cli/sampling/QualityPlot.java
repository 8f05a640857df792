package dev.pfgm.launcher.cli.sampling;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Quality against NFE as a PNG: log-log axes, one line per method and sampler (colour by method,
 * dash by sampler), error bars of one standard deviation across seeds, and the floor (held-out
 * against held-out) with 1.5 times it, dashed.
 */
final class QualityPlot {
    private static final int W = 1100;
    private static final int H = 640;
    private static final int LEFT = 80;
    private static final int RIGHT = 330;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf)};

    private QualityPlot() {
    }

    static byte[] png(List<SamplingStudy.Cell> cells, double floor, String title, String yLabel) throws IOException {
        Map<String, List<SamplingStudy.Cell>> curves = new LinkedHashMap<>();
        List<String> methods = new ArrayList<>();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        double yMin = floor > 0 ? floor : Double.POSITIVE_INFINITY;
        double yMax = floor * 1.5;
        for (SamplingStudy.Cell c : cells) {
            curves.computeIfAbsent(c.curve(), k -> new ArrayList<>()).add(c);
            if (!methods.contains(c.method())) {
                methods.add(c.method());
            }
            double m = c.mean();
            if (Double.isFinite(m) && m > 0 && c.nfe() > 0) {
                xMin = Math.min(xMin, c.nfe());
                xMax = Math.max(xMax, c.nfe());
                yMin = Math.min(yMin, Math.max(m - c.sd(), m / 2));
                yMax = Math.max(yMax, m + c.sd());
            }
        }
        if (!(xMax > 0)) {
            xMin = 1;
            xMax = 10;
        }
        double lx0 = Math.floor(Math.log10(xMin));
        double lx1 = Math.ceil(Math.log10(xMax));
        double ly0 = Math.floor(Math.log10(yMin) * 2) / 2;
        double ly1 = Math.ceil(Math.log10(yMax) * 2) / 2;
        if (ly1 <= ly0) {
            ly1 = ly0 + 1;
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        final double fx0 = lx0;
        final double fx1 = lx1;
        final double fy0 = ly0;
        final double fy1 = ly1;
        java.util.function.DoubleUnaryOperator sx = v -> LEFT + (Math.log10(v) - fx0) / (fx1 - fx0) * (W - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator sy = v -> H - BOTTOM - (Math.log10(v) - fy0) / (fy1 - fy0) * (H - TOP - BOTTOM);
        // grid and ticks at 1, 2 and 5 times the powers of ten
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v : ticks(lx0, lx1)) {
            int x = (int) sx.applyAsDouble(v);
            g.setColor(new Color(0xE4E7EC));
            g.drawLine(x, TOP, x, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String t = v >= 1 ? String.valueOf((long) v) : String.valueOf(v);
            g.drawString(t, x - g.getFontMetrics().stringWidth(t) / 2, H - BOTTOM + 18);
        }
        for (double v : ticks(ly0, ly1)) {
            int y = (int) sy.applyAsDouble(v);
            g.setColor(new Color(0xE4E7EC));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String t = String.format(Locale.ROOT, "%.3g", v);
            g.drawString(t, LEFT - 8 - g.getFontMetrics().stringWidth(t), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("network evaluations per sample (NFE, log scale)", LEFT + 120, H - 18);
        Graphics2D gv = (Graphics2D) g.create();
        gv.rotate(-Math.PI / 2);
        gv.drawString(yLabel + " (log scale)", -(H + 160) / 2, 22);
        gv.dispose();
        // the floor and 1.5 times it
        for (double f : new double[] {floor, 1.5 * floor}) {
            if (f > 0 && Math.log10(f) >= ly0 && Math.log10(f) <= ly1) {
                int y = (int) sy.applyAsDouble(f);
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
                g.drawLine(LEFT, y, W - RIGHT, y);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(f == floor ? "floor (held-out vs held-out)" : "1.5 x floor", W - RIGHT - 170, y - 4);
            }
        }
        // the curves
        int legendY = TOP + 10;
        for (Map.Entry<String, List<SamplingStudy.Cell>> e : curves.entrySet()) {
            List<SamplingStudy.Cell> pts = new ArrayList<>(e.getValue());
            pts.sort((a, b) -> Double.compare(a.nfe(), b.nfe()));
            SamplingStudy.Cell first = pts.get(0);
            Color c = PALETTE[methods.indexOf(first.method()) % PALETTE.length];
            if (first.quantised()) {
                c = c.brighter();
            }
            g.setColor(c);
            g.setStroke(stroke(first.sampler()));
            int px = -1;
            int py = -1;
            for (SamplingStudy.Cell p : pts) {
                double m = p.mean();
                if (!Double.isFinite(m) || m <= 0) {
                    px = -1;
                    continue;
                }
                int x = (int) sx.applyAsDouble(p.nfe());
                int y = (int) sy.applyAsDouble(Math.max(m, Math.pow(10, ly0)));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                Graphics2D bar = (Graphics2D) g.create();
                bar.setStroke(new BasicStroke(1f));
                double sd = p.sd();
                if (sd > 0) {
                    int y0 = (int) sy.applyAsDouble(Math.max(m - sd, Math.pow(10, ly0)));
                    int y1 = (int) sy.applyAsDouble(Math.min(m + sd, Math.pow(10, ly1)));
                    bar.drawLine(x, y0, x, y1);
                    bar.drawLine(x - 3, y0, x + 3, y0);
                    bar.drawLine(x - 3, y1, x + 3, y1);
                }
                bar.fillOval(x - 3, y - 3, 6, 6);
                bar.dispose();
                px = x;
                py = y;
            }
            g.drawLine(W - RIGHT + 15, legendY, W - RIGHT + 55, legendY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(e.getKey(), W - RIGHT + 62, legendY + 4);
            legendY += 18;
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static BasicStroke stroke(String sampler) {
        float[] dash = switch (sampler) {
            case "euler" -> new float[] {2, 3};
            case "heun" -> new float[] {8, 4};
            case "rk45" -> new float[] {1, 4};
            case "euler-maruyama" -> new float[] {10, 3, 2, 3};
            case "edm-churn" -> new float[] {14, 5};
            case "euler-maruyama-geometric" -> new float[] {4, 2, 4, 8};
            default -> null; // edm: solid
        };
        return dash == null ? new BasicStroke(2f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, dash, 0);
    }

    /** 1, 2 and 5 times the powers of ten between 10^lo and 10^hi. */
    private static List<Double> ticks(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        for (int e = (int) Math.floor(lo); e <= (int) Math.ceil(hi); e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) {
                    out.add(v);
                }
            }
        }
        return out;
    }
}
