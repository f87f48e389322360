package dev.stoa.models.coca.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.Captioner;
import dev.stoa.api.service.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/** The typed services of one CoCa version: captions, and the two contrastive embeddings (as CLIP's). */
final class CocaServices {

    private CocaServices() {}

    /** {@code coca-<v>-caption}: {@code {"image"} -> {"text": "two red circles"}}, greedy, deterministic. */
    static Captioner captioner(CocaInference model) {
        return image -> new Text(model.caption(checked(image)));
    }

    /** {@code coca-<v>-image}: an image's L2-normalised contrastive embedding of E (the one-query pooler's). */
    static StoaService<Image, Embedding> image(CocaInference model) {
        return new StoaService<>() {
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
                return new Embedding(model.imageEmbeddings(List.of(checked(image)))[0]);
            }
        };
    }

    /** {@code coca-<v>-text}: a text's L2-normalised contrastive embedding (the unimodal decoder's end token). */
    static TextEncoder text(CocaInference model) {
        return new TextEncoder() {
            @Override
            public int dimension() {
                return model.dimension();
            }

            @Override
            public int maxTokens() {
                return model.maxTokens();
            }

            @Override
            public List<Embedding> encodeBatch(List<Text> texts) {
                if (texts.isEmpty()) {
                    throw StoaException.badInput("texts", "is empty; send at least one text");
                }
                List<String> values = new ArrayList<>(texts.size());
                for (Text t : texts) {
                    values.add(t == null ? null : t.value());
                }
                List<Embedding> out = new ArrayList<>(texts.size());
                for (float[] e : model.textEmbeddings(values)) {
                    out.add(new Embedding(e));
                }
                return out;
            }
        };
    }

    private static Image checked(Image image) {
        if (image == null) {
            throw StoaException.badInput("image", "is missing; send the base64 of a PNG or JPEG file");
        }
        return image;
    }
}
