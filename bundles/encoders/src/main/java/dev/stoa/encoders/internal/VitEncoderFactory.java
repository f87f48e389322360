package dev.stoa.encoders.internal;

import ai.djl.nn.Block;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.encoder.Hyperparameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes {@link VisionTransformer}s: {@code [images (B, 3, S, S)] -> [(B, width)]}. Hyperparameters: {@code image_size}
 * S (32), {@code patch_size} p (8; S must be a multiple), {@code width} D (64), {@code layers} (2), {@code heads} (4;
 * D must be a multiple), {@code mlp_ratio} (4, as ViT and CLIP). The defaults are a tiny tower that trains here on
 * 32x32 images on two CPU cores in minutes; CLIP's ViT-B/32 is 224, 32, 768, 12, 12.
 */
@Component(property = {"stoa.id=" + VitEncoderFactory.ID, "stoa.kind=encoder", "stoa.version=1.0.0"})
public final class VitEncoderFactory implements EncoderFactory {

    static final String ID = "vit";

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("image_size", 32);
        d.put("patch_size", 8);
        d.put("width", 64);
        d.put("layers", 2);
        d.put("heads", 4);
        d.put("mlp_ratio", 4.0);
        return d;
    }

    @Override
    public Block create(Map<String, ?> hyperparameters) {
        Hyperparameters h = new Hyperparameters(ID, defaults(), hyperparameters);
        int imageSize = h.integer("image_size", 1);
        int patchSize = h.integer("patch_size", 1);
        if (imageSize % patchSize != 0) {
            throw h.bad("patch_size", patchSize, "a divisor of image_size " + imageSize);
        }
        int width = outputDimension(hyperparameters);
        int heads = h.integer("heads", 1);
        if (width % heads != 0) {
            throw h.bad("heads", heads, "a divisor of width " + width);
        }
        return new VisionTransformer(
                imageSize, patchSize, width, h.integer("layers", 1), heads, h.positive("mlp_ratio"));
    }

    @Override
    public int outputDimension(Map<String, ?> hyperparameters) {
        return new Hyperparameters(ID, defaults(), hyperparameters).integer("width", 1);
    }
}
