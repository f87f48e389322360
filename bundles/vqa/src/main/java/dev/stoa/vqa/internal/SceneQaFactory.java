package dev.stoa.vqa.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code model: {id: scene-qa}} in a training file: the Socratic VQA answering model, a GPT decoder from the
 * {@code gpt} {@link LanguageModelFactory} trained on scene descriptions with questions and answers
 * ({@link SceneQaCorpus}). Its model store id is {@code gpt-scene-qa}
 * (a training file's {@code output} may name another {@code gpt-*} id), which the gpt bundle serves as a
 * TextGenerator. Options: {@code few_shot_probability} (0.3; the shipped training file sets 0), {@code caption} (false: whether
 * descriptions carry a ClipCap caption), {@code stage_errors} (none: how often each stage is wrong, {@link StageErrors})
 * {@code random_words} (0: the share of scenes whose word is a random string, {@link CopyWords}) and the decoder's
 * hyperparameters
 * ({@code context_length} 256, {@code width} 64, {@code layers} 2, {@code heads} 4, {@code mlp_ratio} 4).
 */
@Component(property = {"stoa.id=" + SceneQaFactory.ID, "stoa.kind=model", "stoa.version=1.0.0"})
public final class SceneQaFactory implements TrainableModelFactory {

    static final String ID = "scene-qa";
    /** The store id the gpt bundle serves ({@code gpt-*} ids of the store are served as TextGenerators). */
    static final String MODEL_ID = "gpt-scene-qa";

    private final LanguageModelFactory decoders;

    /** @param decoders the GPT decoder factory */
    @Activate
    public SceneQaFactory(@Reference(target = "(stoa.id=gpt)") LanguageModelFactory decoders) {
        this.decoders = decoders;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("few_shot_probability", 0.3);
        d.put("caption", false);
        d.put("stage_errors", Map.of());
        d.put("random_words", 0.0);
        d.put("context_length", 256);
        d.put("width", 64);
        d.put("layers", 2);
        d.put("heads", 4);
        d.put("mlp_ratio", 4);
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        Map<String, Object> o = new LinkedHashMap<>(defaults());
        for (Map.Entry<String, ?> e : options.entrySet()) {
            if (!o.containsKey(e.getKey()) && !e.getKey().equals("variant")) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "model '" + ID + "': option '" + e.getKey() + "' is not known; use one of " + o.keySet());
            }
            o.put(e.getKey(), e.getValue());
        }
        double fewShot;
        try {
            fewShot = Double.parseDouble(
                    String.valueOf(o.remove("few_shot_probability")).trim());
        } catch (NumberFormatException e) {
            fewShot = -1;
        }
        if (!(fewShot >= 0 && fewShot <= 1)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model '" + ID + "': option 'few_shot_probability'" + " must be a number from 0 to 1");
        }
        o.remove("variant");
        Object caption = o.remove("caption");
        if (!"true".equals(String.valueOf(caption)) && !"false".equals(String.valueOf(caption))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model '" + ID + "': option 'caption' is '" + caption
                            + "'; write true (descriptions carry a ClipCap caption) or false");
        }
        SceneWriter writer = new SceneWriter(
                Boolean.parseBoolean(String.valueOf(caption)), StageErrors.parse(o.remove("stage_errors")));
        CopyWords copyWords = CopyWords.parse(o.remove("random_words"));
        Map<String, Object> hyperparameters = new LinkedHashMap<>(o);
        hyperparameters.put("vocab_size", 260);
        hyperparameters.put("tie_embeddings", true);
        LanguageModel model = decoders.create(hyperparameters);
        return new SceneQaTrainable(MODEL_ID, hyperparameters, model, fewShot, writer, copyWords);
    }
}
