package dev.stoa.api.dataset;

import java.util.List;
import java.util.Map;

/**
 * A dataset: named splits of examples, read by index. Deterministic: the same options give the same examples at the
 * same indexes, on any machine. Closing it releases open files.
 */
public interface Dataset extends AutoCloseable {

    /** @return the split names, e.g. {@code [train, val, test]}, or {@code [train, test, test-unseen]} */
    List<String> splits();

    /**
     * @param name one of {@link #splits()}
     * @return the split
     * @throws dev.stoa.api.StoaException {@code BAD_INPUT} naming the known splits if there is no such split
     */
    Split split(String name);

    /**
     * @return the class names examples' {@link Example#label()} take, in a fixed order (empty when the dataset has
     *     no labels); what zero-shot classification is evaluated against
     */
    List<String> labels();

    /**
     * @return prompt templates for zero-shot classification, each with one {@code {}} for the label, e.g.
     *     {@code "a photo of a {}."}; never empty
     */
    List<String> promptTemplates();

    /** @return what the dataset is, for logs and run reports: its options, sizes, and skips so far */
    Map<String, Object> describe();

    @Override
    void close();

    /** One split: a fixed-size, indexable list of examples. */
    interface Split {

        /** @return the number of indexes, skipped ones included */
        int size();

        /**
         * Reads one example. A corrupt or missing image is a skip: counted in {@link #skipped()}, logged once with
         * the file and the reason, and returned as null, unless the dataset was opened with {@code on_error: fail},
         * in which case it throws.
         *
         * @param index 0 to {@link #size()} - 1
         * @return the example, or null if it was skipped
         * @throws IndexOutOfBoundsException for an index outside the split
         * @throws dev.stoa.api.StoaException {@code BAD_INPUT} naming the file, when skips are errors
         */
        Example get(int index);

        /** @return how many examples have been skipped so far */
        long skipped();
    }
}
