package dev.stoa.survey.internal;

/**
 * One held-out scene of the benchmark: some copies of one coloured shape (and maybe a word), with the image as the
 * base64 PNG a client sends.
 *
 * @param id the dataset's example id
 * @param image base64 PNG
 * @param colour its colour, e.g. {@code red}
 * @param shape its shape, e.g. {@code circle}
 * @param count how many copies, 1 or more
 */
record Scene(String id, String image, String colour, String shape, int count) {

    /** @return the same image described with other attributes (a caption's negative) */
    Scene with(String colour, String shape, int count) {
        return new Scene(id, image, colour, shape, count);
    }

    /** @return whether two scenes show the same thing (colour, shape and number) */
    boolean sameContent(Scene other) {
        return colour.equals(other.colour) && shape.equals(other.shape) && count == other.count;
    }

    /** @return the class name the shapes dataset gives it, e.g. {@code red circle} */
    String label() {
        return colour + " " + shape;
    }
}
