package dev.stoa.models.gpt.internal;

import dev.stoa.nn.encoder.Hyperparameters;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes {@link GptDecoder}s: {@code [ids (B, T), prefix (B, K, D)?] -> [logits (B, T, V)]}. Hyperparameters:
 * {@code vocab_size} V (260, what {@code dev.stoa.nn.text.ByteTokenizer} produces), {@code context_length} L (128,
 * prefix and tokens together), {@code width} D (64), {@code layers} (2), {@code heads} (4), {@code mlp_ratio} (4),
 * {@code tie_embeddings} (true: the LM head is the token embedding transposed, as GPT-2) and
 * {@code prefix_bidirectional} (false: causal over the prefix too; true: the K prefix positions see each other, the
 * prefix-LM mask of SimVLM).
 */
@Component(property = {"stoa.id=" + GptFactory.ID, "stoa.kind=model", "stoa.version=1.0.0"})
public final class GptFactory implements LanguageModelFactory {

    static final String ID = "gpt";

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("vocab_size", 260);
        d.put("context_length", 128);
        d.put("width", 64);
        d.put("layers", 2);
        d.put("heads", 4);
        d.put("mlp_ratio", 4.0);
        d.put("tie_embeddings", true);
        d.put("prefix_bidirectional", false);
        return d;
    }

    @Override
    public LanguageModel create(Map<String, ?> hyperparameters) {
        Hyperparameters h = new Hyperparameters(ID, defaults(), hyperparameters);
        int width = h.integer("width", 1);
        int heads = h.integer("heads", 1);
        if (width % heads != 0) {
            throw h.bad("heads", heads, "a divisor of width " + width);
        }
        return new GptDecoder(
                h.integer("vocab_size", 5),
                h.integer("context_length", 2),
                width,
                h.integer("layers", 1),
                heads,
                h.positive("mlp_ratio"),
                h.flag("tie_embeddings"),
                h.flag("prefix_bidirectional"));
    }
}
