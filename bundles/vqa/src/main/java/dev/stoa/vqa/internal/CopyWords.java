package dev.stoa.vqa.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Example;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Teaches the answering model to copy the word OCR read instead of recognising one of the few words it was trained
 * on: in a share of the training scenes ({@code random_words}, 0 to 1) the scene's word is replaced by a random string
 * of capital letters before its description and answer are written, so the same string is OCR's text, the word a
 * caption quotes and the answer to "What word is written in the image?". The shapes dataset draws eight words (STOP,
 * GO, CAT, ...); a model that saw only those learns eight answers, and its answer to a word it never saw, or to a
 * word among symbols OCR read off the shapes, is one of them. With strings it cannot memorise, the only way to the
 * answer is to find the word in the description and copy it, byte by byte, which is what the pipeline needs for any
 * word. The dataset's own words stay in the rest of the scenes, so they are answered as before.
 *
 * <p>Scenes without a word are left as they are; with {@code probability} 0 nothing is drawn, so the corpus is the
 * same text as without this class.
 *
 * @param probability the share of scenes with a word whose word is replaced
 */
record CopyWords(double probability) {

    /** Nothing replaced: the dataset's words only. */
    static final CopyWords NONE = new CopyWords(0);
    /** The shortest random word. */
    static final int MIN_LENGTH = 2;
    /** The longest random word. */
    static final int MAX_LENGTH = 8;

    CopyWords {
        if (!(probability >= 0 && probability <= 1)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model 'scene-qa': option 'random_words' is " + probability
                            + "; write the share of scenes whose word is replaced by a random one, from 0 to 1");
        }
    }

    /**
     * @param value the {@code random_words} option, a number from 0 to 1
     * @return the setting
     * @throws StoaException {@code BAD_CONFIG} naming the option when it is not a number from 0 to 1
     */
    static CopyWords parse(Object value) {
        double p;
        try {
            p = Double.parseDouble(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            p = Double.NaN;
        }
        return new CopyWords(p);
    }

    /**
     * @param e a shapes example
     * @param random draws whether and which word
     * @return {@code e}, or a copy whose {@code text} attribute is a random word (image, captions and label kept)
     */
    Example apply(Example e, SplittableRandom random) {
        String text = e.attributes().get("text");
        if (probability == 0 || text == null || text.isBlank() || random.nextDouble() >= probability) {
            return e;
        }
        Map<String, String> attributes = new LinkedHashMap<>(e.attributes());
        attributes.put("text", word(random));
        return new Example(e.id(), e.image(), e.captions(), e.label(), attributes);
    }

    /** @return {@value #MIN_LENGTH} to {@value #MAX_LENGTH} capital letters, each drawn uniformly */
    static String word(SplittableRandom random) {
        int length = MIN_LENGTH + random.nextInt(MAX_LENGTH - MIN_LENGTH + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('A' + random.nextInt(26)));
        }
        return out.toString();
    }
}
