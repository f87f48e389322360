package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What one synthetic clip shows, before it is drawn: one shape over {@code F} frames, each frame after the first
 * reached by one event, and a transcript sentence per frame. Everything is drawn from one generator in a fixed
 * order, so a clip is a pure function of that generator's seed.
 *
 * <p>The events are {@code appear} (only from frame 0 to frame 1: frame 0 is empty), {@code move} (one step in the
 * clip's one direction: left, right, up or down) and {@code colour} (the next colour on the rainbow cycle red, orange,
 * yellow, green, blue, purple, red). Every clip has one or two colour changes. These rules make the order of the
 * frames recoverable from the pictures alone, but only by learning them: colours only go forward on the cycle (one or
 * two steps, never half of it, so any two colours of a clip say which came first), positions only go one way, and
 * which way is told by the colour changes (the frames of the earlier colour are at the start of the track); an empty
 * frame is always the first. Disappearing is left out on purpose: an empty frame looks the same whether the shape
 * appeared after it or disappeared before it, so a clip with both could not be ordered from its frames.
 *
 * @param kind the shape
 * @param colours the shape's colour in each frame
 * @param centres the shape's centre {@code {x, y}} in each frame, pixels; null where the frame is empty
 * @param radius the radius of the circle the shape fits in, pixels
 * @param direction {@code left}, {@code right}, {@code up} or {@code down}: where the moves go
 * @param events the event that leads into each frame ({@code null} for frame 0): {@code appear}, {@code move},
 *     {@code colour}
 * @param startCell which third of the image, {@code 0-8} (row-major), the first visible centre is in; part of the
 *     clip's structure, which decides its split
 */
record ShapeClip(
        ShapeKind kind,
        List<ShapeColour> colours,
        List<double[]> centres,
        double radius,
        String direction,
        List<String> events,
        int startCell) {

    /** The colour cycle colour changes follow: the rainbow, from red back to red. */
    static final List<ShapeColour> CYCLE = List.of(
            ShapeColour.RED,
            ShapeColour.ORANGE,
            ShapeColour.YELLOW,
            ShapeColour.GREEN,
            ShapeColour.BLUE,
            ShapeColour.PURPLE);

    static final List<String> DIRECTIONS = List.of("left", "right", "up", "down");
    static final String APPEAR = "appear";
    static final String MOVE = "move";
    static final String COLOUR = "colour";

    /** Chance that frame 0 is empty and the shape appears in frame 1. */
    private static final double APPEAR_PROBABILITY = 0.25;
    /** Most colour changes in a clip: two steps on the six-colour cycle, so that two colours always tell which came first. */
    private static final int MAX_COLOUR_CHANGES = 2;
    /** Radius range, as a fraction of the image side. */
    private static final double MIN_RADIUS = 0.12;

    private static final double MAX_RADIUS = 0.18;
    /** Longest move step, as a fraction of the image side: a shorter one when many moves must fit. */
    private static final double MAX_STEP = 0.16;

    /** @return the number of frames */
    int frames() {
        return colours.size();
    }

    /** @return how many moves the clip has */
    int moves() {
        return (int) events.stream().filter(MOVE::equals).count();
    }

    /** @return whether frame 0 is empty */
    boolean appears() {
        return APPEAR.equals(events.get(1));
    }

    /** @return the first frame that shows the shape */
    int firstVisible() {
        return appears() ? 1 : 0;
    }

    /** @return the sentence of frame {@code k}: "the scene is empty", "a red circle appears" ("an orange ..."), "the circle moves left", "the circle turns blue" */
    String transcript(int k) {
        if (centres.get(k) == null) {
            return "the scene is empty";
        }
        if (k == firstVisible()) {
            String colour = colours.get(k).word();
            return (colour.equals("orange") ? "an " : "a ") + colour + " " + kind.word() + " appears";
        }
        return switch (events.get(k)) {
            case MOVE -> "the " + kind.word() + " moves " + direction;
            case COLOUR -> "the " + kind.word() + " turns " + colours.get(k).word();
            default -> throw new IllegalStateException("event " + events.get(k));
        };
    }

    /**
     * @return the clip's structure, which decides the split it belongs to: shape, first colour, direction, the
     *     events and the cell the shape starts in (not the exact pixels), so no held-out clip shares its structure
     *     with a training clip
     */
    String structure() {
        return String.format(
                Locale.ROOT,
                "%s|%s|%s|%s|%d",
                kind.word(),
                colours.get(firstVisible()).word(),
                direction,
                String.join(",", events.subList(1, events.size())),
                startCell);
    }

    /**
     * Draws a clip.
     *
     * @param frames F, 2 or more
     * @param side the image side, pixels
     * @param rng the clip's generator
     * @return the clip
     */
    static ShapeClip generate(int frames, int side, SplittableRandom rng) {
        ShapeKind kind = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
        int colour = rng.nextInt(CYCLE.size());
        String direction = DIRECTIONS.get(rng.nextInt(DIRECTIONS.size()));
        boolean appear = rng.nextDouble() < APPEAR_PROBABILITY;
        int transitions = frames - 1 - (appear ? 1 : 0);
        int colourChanges = 1 + rng.nextInt(Math.min(MAX_COLOUR_CHANGES, transitions));
        // which of the remaining transitions are the colour changes: a uniform choice of that many positions
        boolean[] isColour = new boolean[transitions];
        for (int placed = 0; placed < colourChanges; ) {
            int t = rng.nextInt(transitions);
            if (!isColour[t]) {
                isColour[t] = true;
                placed++;
            }
        }
        List<String> events = new ArrayList<>();
        events.add(null);
        if (appear) {
            events.add(APPEAR);
        }
        for (boolean c : isColour) {
            events.add(c ? COLOUR : MOVE);
        }
        int moves = transitions - colourChanges;
        double radius = side * (MIN_RADIUS + rng.nextDouble() * (MAX_RADIUS - MIN_RADIUS));
        double low = radius + 1;
        double high = side - radius - 1;
        double step = moves == 0 ? 0 : Math.min(MAX_STEP * side, (high - low) / moves);
        double travel = step * moves;
        // the start: anywhere the whole track stays inside the image
        double along = low + rng.nextDouble() * (high - low - travel);
        double across = low + rng.nextDouble() * (high - low);
        boolean horizontal = direction.equals("left") || direction.equals("right");
        boolean backwards = direction.equals("left") || direction.equals("up");
        if (backwards) {
            along = high - (along - low);
        }
        double x = horizontal ? along : across;
        double y = horizontal ? across : along;
        int startCell = (int) Math.min(2, y * 3 / side) * 3 + (int) Math.min(2, x * 3 / side);
        List<ShapeColour> colours = new ArrayList<>();
        List<double[]> centres = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            String event = events.get(k);
            if (MOVE.equals(event)) {
                double d = backwards ? -step : step;
                x += horizontal ? d : 0;
                y += horizontal ? 0 : d;
            } else if (COLOUR.equals(event)) {
                colour = (colour + 1) % CYCLE.size();
            }
            colours.add(CYCLE.get(colour));
            centres.add(appear && k == 0 ? null : new double[] {x, y});
        }
        return new ShapeClip(
                kind,
                List.copyOf(colours),
                Collections.unmodifiableList(centres),
                radius,
                direction,
                Collections.unmodifiableList(events),
                startCell);
    }
}
