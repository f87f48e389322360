package dev.stoa.models.dalle.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DALL-E's reranking (section 2.5 of the paper): the samples are scored by a CLIP, the cosine of each image's
 * embedding with the caption's, and the best kept. The CLIP is the platform's, reached over the bus through the clip
 * bundle's {@code <clip>-rerank} service (as VC-GPT and ClipCap reach theirs), so the bundles stay apart and an
 * untrained or missing CLIP answers with its own status.
 */
final class ClipReranker {

    /** The most images one rerank call takes (the clip bundle's limit). */
    static final int MAX_IMAGES = 64;

    private final ServiceCaller caller;

    ClipReranker(ServiceCaller caller) {
        this.caller = caller;
    }

    /**
     * One ranked sample.
     *
     * @param index its index among the samples
     * @param score CLIP's cosine of image and text
     */
    record Ranked(int index, double score) {}

    /**
     * @param clip the CLIP model's id, e.g. {@code clip-tiny}; the service called is {@code <clip>-rerank}
     * @param text the caption
     * @param images the samples, at most {@link #MAX_IMAGES}
     * @param keep how many of the best to return
     * @return the best {@code keep}, highest score first
     * @throws StoaException the CLIP service's own failure, its code kept, the message saying which service
     */
    @SuppressWarnings("unchecked")
    List<Ranked> rank(String clip, String text, List<Image> images, int keep) {
        List<Object> sent = new ArrayList<>(images.size());
        for (Image image : images) {
            sent.add(Base64.getEncoder().encodeToString(image.encodePng()));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("text", text);
        request.put("images", sent);
        request.put("top", keep);
        String service = clip + "-rerank";
        Map<String, Object> answer;
        try {
            answer = caller.call(service, request, Map.class);
        } catch (StoaException e) {
            throw new StoaException(
                    e.code(),
                    "DALL-E reranks its samples with '" + service + "', which cannot answer (send \"rerank\": false"
                            + " to skip it, or \"clip\" naming a trained CLIP): " + e.getMessage(),
                    e);
        }
        List<Ranked> out = new ArrayList<>();
        for (Object item : (List<Object>) answer.get("items")) {
            Map<String, Object> m = (Map<String, Object>) item;
            out.add(new Ranked(((Number) m.get("index")).intValue(), ((Number) m.get("score")).doubleValue()));
        }
        return out;
    }
}
