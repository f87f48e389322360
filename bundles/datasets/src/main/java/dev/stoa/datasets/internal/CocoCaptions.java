package dev.stoa.datasets.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO captions annotation file ({@code captions_train2017.json}) read with a streaming parser: its
 * {@code images} ({@code id}, {@code file_name}) and {@code annotations} ({@code image_id}, {@code caption}); every
 * other field is skipped unread.
 *
 * @param images the images in file order, each with its captions in annotation order
 * @param orphans captions whose {@code image_id} names no image
 */
record CocoCaptions(List<CocoImage> images, int orphans) {

    /**
     * @param id the COCO image id
     * @param fileName the file in the images folder
     * @param captions its captions (five in COCO); empty when none were found
     */
    record CocoImage(long id, String fileName, List<String> captions) {}

    /**
     * @param file the annotation file
     * @return its images and captions
     * @throws StoaException BAD_CONFIG naming the file and the entry at fault
     */
    static CocoCaptions read(Path file) {
        Map<Long, CocoImage> images = new LinkedHashMap<>();
        List<Long> pendingIds = new ArrayList<>();
        List<String> pendingCaptions = new ArrayList<>();
        try (JsonParser p = JsonValues.FACTORY.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ((field.equals("images") || field.equals("annotations")) && t != JsonToken.START_ARRAY) {
                    throw bad(file, "'" + field + "' is not a list");
                }
                if (field.equals("images")) {
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        Map<?, ?> image = object(file, p, "images[" + n + "]");
                        long id = id(file, image, "id", "images[" + n + "]");
                        Object name = image.get("file_name");
                        if (!(name instanceof String s) || s.isBlank()) {
                            throw bad(file, "images[" + n + "] has no 'file_name'");
                        }
                        images.put(id, new CocoImage(id, s, new ArrayList<>()));
                        n++;
                    }
                } else if (field.equals("annotations")) {
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        Map<?, ?> a = object(file, p, "annotations[" + n + "]");
                        long imageId = id(file, a, "image_id", "annotations[" + n + "]");
                        Object caption = a.get("caption");
                        if (!(caption instanceof String c)) {
                            throw bad(file, "annotations[" + n + "] has no 'caption' string");
                        }
                        // annotations may come before images: keep them until the end
                        pendingIds.add(imageId);
                        pendingCaptions.add(c.strip());
                        n++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw bad(file, "cannot be read as JSON (" + e.getMessage() + ")");
        }
        int orphans = 0;
        for (int k = 0; k < pendingIds.size(); k++) {
            CocoImage image = images.get(pendingIds.get(k));
            if (image == null) {
                orphans++;
            } else if (!pendingCaptions.get(k).isEmpty()) {
                image.captions().add(pendingCaptions.get(k));
            }
        }
        return new CocoCaptions(List.copyOf(images.values()), orphans);
    }

    private static Map<?, ?> object(Path file, JsonParser p, String where) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, where + " is not an object");
        }
        return (Map<?, ?>) JsonValues.read(p);
    }

    private static long id(Path file, Map<?, ?> record, String key, String where) {
        if (record.get(key) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw bad(file, where + " has no whole-number '" + key + "'");
    }

    private static StoaException bad(Path file, String problem) {
        return new StoaException(
                FailureCode.BAD_CONFIG,
                "COCO annotations " + file + ": " + problem
                        + "; give a COCO captions file such as captions_train2017.json");
    }
}
