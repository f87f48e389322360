package dev.stoa.models.clip.internal;

import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import java.util.List;

/**
 * A CLIP variant's image tower and projection as an encoder, {@code stoa.id=clip-<variant>-image}: any image ->
 * its L2-normalised embedding of E; the service property {@code embedding.dimension} is E.
 */
final class ClipImageEncoderService implements StoaService<Image, Embedding> {

    private final ClipEncoders clip;

    ClipImageEncoderService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public Class<Image> inputType() {
        return Image.class;
    }

    @Override
    public Class<Embedding> outputType() {
        return Embedding.class;
    }

    @Override
    public Embedding call(Image image) {
        return new Embedding(clip.imageEmbeddings(List.of(image))[0]);
    }
}
