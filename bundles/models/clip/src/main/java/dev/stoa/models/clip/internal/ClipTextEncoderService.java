package dev.stoa.models.clip.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A CLIP variant's text tower and projection as a {@link TextEncoder}, {@code stoa.id=clip-<variant>-text}: text ->
 * its L2-normalised embedding of E, in the same space as the image encoder's. Texts longer than
 * {@link #maxTokens()} tokens are truncated, keeping the end-of-text token.
 */
final class ClipTextEncoderService implements TextEncoder {

    private final ClipEncoders clip;

    ClipTextEncoderService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public int dimension() {
        return clip.dimension();
    }

    @Override
    public int maxTokens() {
        return clip.maxTokens();
    }

    @Override
    public List<Embedding> encodeBatch(List<Text> texts) {
        if (texts.isEmpty()) {
            throw StoaException.badInput("texts", "is empty; send at least one text");
        }
        List<Embedding> out = new ArrayList<>(texts.size());
        for (float[] e : clip.textEmbeddings(texts.stream().map(Text::value).toList())) {
            out.add(new Embedding(e));
        }
        return out;
    }
}
