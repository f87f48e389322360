package dev.stoa.api.service;

import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;

/**
 * Reads the text in an image (OCR): the survey's bridge from vision to language. Register with
 * {@code stoa.kind=model}.
 */
public interface TextRecognizer extends StoaService<Image, RecognizedText> {

    @Override
    default Class<Image> inputType() {
        return Image.class;
    }

    @Override
    default Class<RecognizedText> outputType() {
        return RecognizedText.class;
    }
}
