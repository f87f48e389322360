package dev.stoa.encoders.internal;

import ai.djl.nn.Block;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.encoder.Hyperparameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes {@link ResNetEncoder}s: {@code [images (B, 3, H, W)] -> [(B, D)]}, or {@code [(B, N, D)]} patch tokens
 * with {@code output=tokens} (SimVLM's conv stage). Hyperparameters: {@code widths}, the channels of each stage
 * ({@code 32,64,128}; D is the last), {@code blocks_per_stage} (1) and {@code output} ({@code pooled} or
 * {@code tokens}).
 */
@Component(property = {"stoa.id=" + ResNetEncoderFactory.ID, "stoa.kind=encoder", "stoa.version=1.0.0"})
public final class ResNetEncoderFactory implements EncoderFactory {

    static final String ID = "resnet";

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("widths", "32,64,128");
        d.put("blocks_per_stage", 1);
        d.put("output", "pooled");
        return d;
    }

    @Override
    public Block create(Map<String, ?> hyperparameters) {
        Hyperparameters h = new Hyperparameters(ID, defaults(), hyperparameters);
        return new ResNetEncoder(
                h.integers("widths"),
                h.integer("blocks_per_stage", 1),
                h.choice("output", "pooled", "tokens").equals("tokens"));
    }

    @Override
    public int outputDimension(Map<String, ?> hyperparameters) {
        int[] widths = new Hyperparameters(ID, defaults(), hyperparameters).integers("widths");
        return widths[widths.length - 1];
    }
}
