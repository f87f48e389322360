package dev.stoa.models.clipcap.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The trainer's view of a GPT decoder pretrained on captions: {@code model: {id: gpt-captions, width: 64, ...}},
 * the {@code gpt} factory's hyperparameters plus {@code caption_length} (T, default 64), {@code prompt_length} (P,
 * default 0: a label prompt of P tokens before each caption, see {@link GptCaptionsTrainable}) and {@code model_id}
 * (default {@code gpt-captions}). ClipCap's {@code transformer} variant keeps this decoder frozen.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + GptCaptionsFactory.ID, ServiceProperties.KIND + "=model"})
public final class GptCaptionsFactory implements TrainableModelFactory {

    static final String ID = "gpt-captions";

    private final LanguageModelFactory decoders;

    /** @param decoders the {@code gpt} language-model factory */
    @Activate
    public GptCaptionsFactory(@Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory decoders) {
        this.decoders = decoders;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model_id", ID);
        d.put("caption_length", 64);
        d.put("prompt_length", 0);
        d.putAll(decoders.defaults());
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        Map<String, String> hyperparameters = new TreeMap<>();
        decoders.defaults().forEach((k, v) -> hyperparameters.put(k, String.valueOf(v)));
        for (Map.Entry<String, ?> e : options.entrySet()) {
            if (!defaults().containsKey(e.getKey())) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "model." + e.getKey() + " is not an option of " + ID + "; use "
                                + defaults().keySet());
            }
            if (decoders.defaults().containsKey(e.getKey())) {
                hyperparameters.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : ID);
        return new GptCaptionsTrainable(
                modelId,
                hyperparameters,
                new TeacherForcing(decoders.create(hyperparameters)),
                whole(options, "caption_length", 64, 3),
                whole(options, "prompt_length", 0, 0));
    }

    private static int whole(Map<String, ?> options, String key, int fallback, int min) {
        String value = String.valueOf(options.containsKey(key) ? options.get(key) : fallback)
                .trim();
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                "model." + key + " is '" + value + "'; use a whole number" + " of at least " + min);
    }
}
