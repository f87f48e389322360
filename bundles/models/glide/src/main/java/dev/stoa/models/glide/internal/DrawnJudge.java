package dev.stoa.models.glide.internal;

import dev.stoa.api.data.Image;
import dev.stoa.nn.eval.ShapeJudge;

/** Names the colour and the shape an image shows, for measuring what a model drew. */
@FunctionalInterface
interface DrawnJudge {

    /**
     * @param image a drawn image
     * @return {@code [colour, shape]}, the judge's words (either may be null where it cannot tell)
     */
    String[] colourAndShape(Image image);

    /** The platform's non-learning judge, {@link ShapeJudge}: the trainer's evaluation uses it. */
    DrawnJudge SHAPE_JUDGE = image -> {
        ShapeJudge.Verdict v = ShapeJudge.judge(image);
        return new String[] {v.colour(), v.shape()};
    };
}
