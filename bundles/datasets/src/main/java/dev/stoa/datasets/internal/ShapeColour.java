package dev.stoa.datasets.internal;

/** The colours the synthetic dataset paints shapes in: saturated, far apart, and far from the light background. */
enum ShapeColour {
    RED("red", 0xDC1E1E),
    GREEN("green", 0x1EA03C),
    BLUE("blue", 0x1E46DC),
    YELLOW("yellow", 0xF0D200),
    PURPLE("purple", 0x8C28B4),
    ORANGE("orange", 0xF57D0A);

    private final String word;
    private final int rgb;

    ShapeColour(String word, int rgb) {
        this.word = word;
        this.rgb = rgb;
    }

    /** @return the name in labels and captions, e.g. {@code red} */
    String word() {
        return word;
    }

    /** @return {@code 0xRRGGBB} */
    int rgb() {
        return rgb;
    }
}
