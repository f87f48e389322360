package dev.stoa.datasets.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One example of a file-based dataset, indexed but not read: where its image bytes are, and its captions.
 *
 * @param id the example's stable id (a path, a WebDataset key, a COCO image id)
 * @param file where the image is, for messages (a path, or {@code shard.tar:key.jpg})
 * @param bytes reads the image's encoded bytes
 * @param captions one or more captions
 * @param label the class, or null
 * @param attributes further facts; may be empty
 */
record ImageRecord(
        String id, String file, ImageBytes bytes, List<String> captions, String label, Map<String, String> attributes) {

    /** Reads an image's encoded bytes (PNG, JPEG, ...), from a file or a tar shard. Thread-safe. */
    @FunctionalInterface
    interface ImageBytes {
        byte[] read() throws IOException;
    }
}
