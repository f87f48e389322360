package dev.stoa.onnxruntime.internal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/** The model folders the build unpacks (pom.xml) and the sentences the tests encode. */
final class TestModels {

    static final String MINILM = "all-minilm-l6-v2";
    static final String MINILM_Q = "all-minilm-l6-v2-q";
    static final String BGE = "bge-small-en-v1.5";
    static final String BGE_Q = "bge-small-en-v1.5-q";

    /** 50 varied sentences: short, long, punctuation, numbers, code, several scripts and emoji. */
    static final List<String> SENTENCES = List.of(
            "Hello.",
            "A cat sits on the mat.",
            "The quick brown fox jumps over the lazy dog.",
            "What time does the train to Lyon leave?",
            "I can't believe it's not butter!",
            "Dr. Smith paid $1,234.56 for 3 tickets on 2024-02-29.",
            "Pi is approximately 3.14159265358979; e is about 2.71828.",
            "ERROR 404: page not found (see https://example.org/a?b=c&d=e).",
            "café, naïve, résumé, Zoë and Björk went to Ångström's façade.",
            "Der schnelle braune Fuchs springt über den faulen Hund.",
            "El niño comió una manzana en la mañana.",
            "Москва — столица России.",
            "東京は日本の首都です。",
            "北京是中国的首都。",
            "서울은 한국의 수도입니다.",
            "مرحبا بالعالم",
            "שלום עולם",
            "Γειά σου κόσμε!",
            "I love pizza 🍕 and sushi 🍣!!!",
            "¿Dónde está la biblioteca?",
            "x = (a + b) * c / d - e % f;",
            "for (int i = 0; i < n; i++) { sum += a[i]; }",
            "SELECT name, age FROM users WHERE age > 30 ORDER BY name;",
            "The mitochondria is the powerhouse of the cell.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "Stock prices fell 3.2% on Tuesday after the central bank raised rates by 50 basis points.",
            "Please call me at +1 (555) 010-9999 or email jane.doe@example.com.",
            "...",
            "?!",
            "a",
            "OK",
            "   leading and trailing spaces   ",
            "Tabs\tand\nnewlines\nin one text.",
            "ALL CAPS SENTENCE SHOUTING ABOUT NOTHING IN PARTICULAR",
            "mIxEd CaSe WoRdS aRe HaRd To ReAd",
            "The the the the the the the the the the.",
            "Supercalifragilisticexpialidocious is a long word.",
            "Pneumonoultramicroscopicsilicovolcanoconiosis is longer still.",
            "He said, \"She said, 'they said so.'\"",
            "Semi-colons; colons: dashes — and en-dashes – all together.",
            "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
            "#hashtag @mention $TICKER %percent ^caret &amp; *star*",
            "The year 1969 saw the first crewed Moon landing; the year 2001 a new millennium.",
            "Water boils at 100 °C (212 °F) at sea level.",
            "E = mc², a² + b² = c², and ∑ᵢ xᵢ = 42.",
            "Contrastive learning pulls matching image-text pairs together and pushes the others apart in the embedding"
                    + " space, which is how CLIP learns to align vision and language without labels.",
            "In the beginning the Universe was created. This has made a lot of people very angry and been widely"
                    + " regarded as a bad move. Many were increasingly of the opinion that they'd all made a big"
                    + " mistake in coming down from the trees in the first place.",
            "The committee, having reviewed the proposal in detail over the course of several meetings, concluded that"
                    + " although the budget was reasonable, the timeline was too ambitious, and it recommended that the"
                    + " applicants resubmit with a phased plan, clearer milestones, and an independent evaluation.",
            String.join(
                    " ", Collections.nCopies(20, "Long inputs repeat this clause to fill a good part of the window.")),
            String.join(" ", Collections.nCopies(60, "tokens beyond the window are cut at the right;")));

    private TestModels() {}

    /** @return the unpacked folder of one of the four models */
    static Path folder(String name) {
        return Path.of(System.getProperty("stoa.test.models", "target/models"), name);
    }

    /** Loads a model with the folder's settings and the given pooling, as its shipped descriptor says. */
    static OnnxSentenceEncoder load(String name, String pooling) throws Exception {
        OnnxSentenceEncoder.Options d = OnnxSentenceEncoder.Options.defaults();
        return OnnxSentenceEncoder.load(
                name,
                ModelFolder.read(folder(name)),
                new OnnxSentenceEncoder.Options(
                        pooling, d.normalize(), d.maxTokens(), d.maxBatch(), d.maxChars(), d.session()));
    }
}
