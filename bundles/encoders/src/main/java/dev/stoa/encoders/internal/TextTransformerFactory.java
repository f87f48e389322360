package dev.stoa.encoders.internal;

import ai.djl.nn.Block;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.encoder.Hyperparameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes {@link TextTransformer}s: {@code [ids (B, T), lengths (B)?] -> [(B, width)]}. Hyperparameters:
 * {@code vocab_size} V (260, what {@code dev.stoa.nn.text.ByteTokenizer} produces), {@code context_length} (32; CLIP
 * uses 77), {@code width} (64), {@code layers} (2), {@code heads} (4), {@code mlp_ratio} (4) and {@code causal}
 * (true: CLIP's masked tower pooled at the end-of-text token; false: bidirectional, pooled at the first token as
 * BERT's [CLS], as in ALIGN).
 */
@Component(property = {"stoa.id=" + TextTransformerFactory.ID, "stoa.kind=encoder", "stoa.version=1.0.0"})
public final class TextTransformerFactory implements EncoderFactory {

    static final String ID = "text-transformer";

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("vocab_size", 260);
        d.put("context_length", 32);
        d.put("width", 64);
        d.put("layers", 2);
        d.put("heads", 4);
        d.put("mlp_ratio", 4.0);
        d.put("causal", true);
        return d;
    }

    @Override
    public Block create(Map<String, ?> hyperparameters) {
        Hyperparameters h = new Hyperparameters(ID, defaults(), hyperparameters);
        int width = outputDimension(hyperparameters);
        int heads = h.integer("heads", 1);
        if (width % heads != 0) {
            throw h.bad("heads", heads, "a divisor of width " + width);
        }
        return new TextTransformer(
                h.integer("vocab_size", 1),
                h.integer("context_length", 2),
                width,
                h.integer("layers", 1),
                heads,
                h.positive("mlp_ratio"),
                h.flag("causal"));
    }

    @Override
    public int outputDimension(Map<String, ?> hyperparameters) {
        return new Hyperparameters(ID, defaults(), hyperparameters).integer("width", 1);
    }
}
