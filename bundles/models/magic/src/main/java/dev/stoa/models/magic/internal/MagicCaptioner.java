package dev.stoa.models.magic.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;
import dev.stoa.nn.decode.CandidateScorer;
import dev.stoa.nn.decode.DecodeResult;
import dev.stoa.nn.decode.MagicSearch;
import dev.stoa.nn.lm.HiddenLanguageModelSteps;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.TextCodec;
import java.util.Arrays;

/**
 * One MAGiC captioner, {@code stoa.id=magic-<lm>-caption} (or the configured id): the image's CLIP embedding once,
 * then {@link MagicSearch} over the language model, each step's k candidate texts scored against it in one batch
 * ({@link ClipScorer}). The language model reads no image: the caption's start token (after the text prompt, for a
 * model pretrained with one), and CLIP's scores steer it. With {@code k = 1} it is greedy decoding of the same model
 * and CLIP is not called. Thread-safe: each call decodes in its own sub-manager over read-only parameters.
 */
final class MagicCaptioner implements Captioner, AutoCloseable {

    private static final long SPACE = SpecialTokens.COUNT + ' ';

    private final MagicSettings settings;
    private final StoreLanguageModels models;
    private final ClipOnBus clip;
    private final MagicSearch search = new MagicSearch(SpecialTokens.END);

    MagicCaptioner(MagicSettings settings, StoreLanguageModels models, ClipOnBus clip) {
        this.settings = settings;
        this.models = models;
        this.clip = clip;
    }

    MagicSettings settings() {
        return settings;
    }

    @Override
    public Text call(Image image) {
        if (image == null) {
            throw StoaException.badInput("image", "is missing; send {\"image\": \"<base64 PNG or JPEG>\"}");
        }
        if (image.width() < 1 || image.height() < 1) {
            throw StoaException.badInput(
                    "image", "is " + image.width() + "x" + image.height() + " pixels; send a picture of at least 1x1");
        }
        StoreLanguageModels.Opened lm = models.current();
        MagicSearch.Options options = settings.search();
        boolean guided = options.k() > 1 && options.beta() > 0;
        CandidateScorer scorer = guided ? new ClipScorer(clip.image(image), clip, settings.clipScale()) : null;
        ByteTokenizer bytes = new ByteTokenizer(lm.model().maxSequenceLength());
        String start = lm.promptLength() > 0 ? "" : settings.prompt();
        long[] prompt = prompt(bytes, lm.promptLength());
        TextCodec codec = new TextCodec() {
            @Override
            public long[] toIds(String text) {
                return bytes.toIds(text);
            }

            @Override
            public String toText(long[] ids) {
                return (start + bytes.toText(ids)).trim();
            }
        };
        try (NDManager call = lm.manager().newSubManager()) {
            DecodeResult r = search.generate(
                    new HiddenLanguageModelSteps(lm.model(), call),
                    prompt,
                    guided
                            ? options
                            : new MagicSearch.Options(options.k(), options.alpha(), 0, options.maxTokens(), 0, 0),
                    codec,
                    scorer);
            return new Text(r.text());
        }
    }

    /**
     * The tokens before the first generated one: with a prompt slot of P tokens (a model pretrained with
     * {@code prompt_length} P), the configured prompt padded with spaces to P, then the start token; without, the
     * start token and the configured caption start.
     */
    private long[] prompt(ByteTokenizer bytes, int promptLength) {
        long[] text = bytes.toIds(settings.prompt());
        if (promptLength > 0) {
            long[] out = new long[promptLength + 1];
            Arrays.fill(out, 0, promptLength, SPACE);
            System.arraycopy(text, 0, out, 0, Math.min(promptLength, text.length));
            out[promptLength] = SpecialTokens.START;
            return out;
        }
        long[] out = new long[text.length + 1];
        out[0] = SpecialTokens.START;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    @Override
    public void close() {
        models.close();
    }
}
