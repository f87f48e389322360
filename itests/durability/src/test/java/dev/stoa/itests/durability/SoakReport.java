package dev.stoa.itests.durability;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/** The soak run's table, as Markdown and as a picture of the same text. */
record SoakReport(
        double minutes,
        int clients,
        SoakIT.SoakLoad load,
        long acknowledged,
        long lost,
        long lostAtRestart,
        boolean killed,
        long stepAtKill,
        long resumedStep,
        int bundleUpdates,
        int pipelineEdits,
        boolean aliveAtEnd) {

    String markdown() {
        SoakCounts c = load.counts;
        StringBuilder b = new StringBuilder();
        b.append("Soak run of ")
                .append(String.format(Locale.ROOT, "%.1f", minutes))
                .append(" minutes, ")
                .append(clients)
                .append(" clients, finished ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" (Java ")
                .append(System.getProperty("java.version"))
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores)\n\n");
        b.append("| measure | value |\n| --- | --- |\n");
        row(b, "requests", c.total());
        row(b, "answers by HTTP status (0: no answer)", statuses(c.byStatus()));
        row(b, "vector upserts acknowledged", acknowledged);
        row(b, "acknowledged upserts lost by kill -9 (checked after the restart)", lostAtRestart);
        row(b, "acknowledged upserts lost by the end (must be 0)", lost);
        row(b, "answers 5xx to bad input (must be 0)", c.badInput5xx());
        row(b, "server killed with SIGKILL and restarted", killed ? "yes, once" : "no");
        row(b, "training: step when killed / resumed from checkpoint at step", stepAtKill + " / " + resumedStep);
        row(b, "bundle updates (shout re-copied into deploy/)", bundleUpdates);
        row(b, "pipeline edits (soak-echo.yaml rewritten)", pipelineEdits);
        row(
                b,
                "RSS at start / after the restart / at the end (MiB)",
                load.rssStart + " / " + load.rssAfterRestart + " / " + load.rssEnd);
        row(b, "server alive at the end", aliveAtEnd ? "yes" : "no");
        b.append("\n| request | answers by HTTP status |\n| --- | --- |\n");
        c.snapshot().forEach((kind, m) -> row(b, kind, statuses(m)));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Object value) {
        b.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String statuses(Map<Integer, Long> m) {
        return m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Writes soak-report.md and soak-report.png into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String md = markdown();
        Files.writeString(dir.resolve("soak-report.md"), md);
        picture(md, dir.resolve("soak-report.png"));
    }

    /** The table's text in a monospaced font, the two must-be-zero lines coloured by their result. */
    private void picture(String md, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> lines = md.lines().filter(l -> !l.startsWith("| ---")).toList();
        Font font = new Font(Font.MONOSPACED, Font.PLAIN, 13);
        int lineHeight = 18;
        int width = 10 + 8 * lines.stream().mapToInt(String::length).max().orElse(80);
        BufferedImage img =
                new BufferedImage(Math.min(width, 2400), 20 + lineHeight * lines.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(font);
        int y = 20;
        for (String line : lines) {
            boolean mustBeZero = line.contains("must be 0");
            g.setColor(mustBeZero ? (line.trim().endsWith("| 0 |") ? new Color(0, 120, 0) : Color.RED) : Color.BLACK);
            g.drawString(line, 8, y);
            y += lineHeight;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
