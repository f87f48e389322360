package dev.stoa.api.service;

import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;

/**
 * Describes an image in words (ClipCap: an image embedding as the prefix of a language model). Register with
 * {@code stoa.kind=model}. JSON: in {@code {"image": "<base64 PNG/JPEG>"}}, out {@code {"text": "a red circle"}}.
 */
public interface Captioner extends StoaService<Image, Text> {

    @Override
    default Class<Image> inputType() {
        return Image.class;
    }

    @Override
    default Class<Text> outputType() {
        return Text.class;
    }
}
