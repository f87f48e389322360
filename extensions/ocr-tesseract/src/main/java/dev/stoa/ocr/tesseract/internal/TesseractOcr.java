package dev.stoa.ocr.tesseract.internal;

import static org.bytedeco.tesseract.global.tesseract.PSM_AUTO;
import static org.bytedeco.tesseract.global.tesseract.RIL_TEXTLINE;
import static org.bytedeco.tesseract.global.tesseract.TessDeleteText;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.service.TextRecognizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tesseract.ResultIterator;
import org.bytedeco.tesseract.TessBaseAPI;

/**
 * Tesseract's LSTM engine reading an {@link Image} into text lines ({@code RIL_TEXTLINE}), in Tesseract's reading
 * order, with automatic page segmentation ({@code PSM_AUTO}).
 *
 * <p>A {@link TessBaseAPI} is not thread-safe and costs a model load (tens of ms) to make, so a fixed pool of them
 * is made up front and each call borrows one: at most {@code instances} calls run at once, the others wait. Images
 * whose longer side exceeds {@code maxSideLength} are scaled down first (boxes are given in the original's pixels),
 * which bounds Tesseract's working memory and time.
 */
final class TesseractOcr implements TextRecognizer, AutoCloseable {

    private final BlockingQueue<TessBaseAPI> idle;
    private final List<TessBaseAPI> all = new ArrayList<>();
    private final int maxSide;

    /**
     * Loads the model once per instance.
     *
     * @param tessdata folder holding {@code <language>.traineddata}
     * @param language Tesseract language code(s), e.g. {@code eng} or {@code eng+deu}
     * @param instances how many calls may run at once
     * @param maxSideLength longer side above which images are scaled down
     * @throws StoaException {@link FailureCode#BAD_CONFIG} when a setting is out of range or Tesseract cannot load
     *         the model
     */
    TesseractOcr(Path tessdata, String language, int instances, int maxSideLength) {
        if (instances < 1) {
            throw new StoaException(FailureCode.BAD_CONFIG, "instances is " + instances + "; set it to 1 or more");
        }
        if (maxSideLength < 32) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "maxSideLength is " + maxSideLength + "; set it to 32 or more (4096 by default)");
        }
        this.maxSide = maxSideLength;
        this.idle = new ArrayBlockingQueue<>(instances);
        try {
            for (int i = 0; i < instances; i++) {
                TessBaseAPI api = new TessBaseAPI();
                all.add(api);
                if (api.Init(tessdata.toString(), language) != 0) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            "Tesseract could not load language '" + language
                                    + "' from " + tessdata + "; check tessdataDir and language in"
                                    + " etc/dev.stoa.ocr.tesseract.cfg");
                }
                api.SetPageSegMode(PSM_AUTO);
                // Tesseract prints diagnostics ("Estimating resolution as 284") to stderr on every call; a server's
                // console is no place for them, and failures still come back as return codes
                api.SetVariable("debug_file", "/dev/null");
                idle.add(api);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public RecognizedText call(Image image) {
        double scale = Math.min(1.0, (double) maxSide / Math.max(image.width(), image.height()));
        Image input = scale < 1 ? ImageScaler.scale(image, scale) : image;
        TessBaseAPI api;
        try {
            api = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoaException(
                    FailureCode.UNAVAILABLE, "interrupted while waiting for a free Tesseract" + " instance; retry");
        }
        try (BytePointer pixels = new BytePointer(input.rgb())) {
            api.SetImage(pixels, input.width(), input.height(), 3, input.width() * 3);
            if (api.Recognize(null) != 0) {
                throw new StoaException(
                        FailureCode.INTERNAL,
                        "Tesseract failed to recognize a " + image.width() + "x" + image.height() + " image");
            }
            return lines(api, scale);
        } finally {
            api.Clear();
            idle.add(api);
        }
    }

    private static RecognizedText lines(TessBaseAPI api, double scale) {
        List<TextLine> lines = new ArrayList<>();
        ResultIterator it = api.GetIterator();
        if (it == null) {
            return new RecognizedText(lines);
        }
        try {
            int[] left = new int[1];
            int[] top = new int[1];
            int[] right = new int[1];
            int[] bottom = new int[1];
            do {
                BytePointer utf8 = it.GetUTF8Text(RIL_TEXTLINE);
                if (utf8 == null) {
                    continue;
                }
                String text = utf8.getString(StandardCharsets.UTF_8).strip();
                TessDeleteText(utf8);
                if (text.isEmpty() || !it.BoundingBox(RIL_TEXTLINE, left, top, right, bottom)) {
                    continue;
                }
                // Tesseract's confidence is a percentage
                double confidence = Math.max(0, Math.min(1, it.Confidence(RIL_TEXTLINE) / 100.0));
                int x = (int) Math.floor(left[0] / scale);
                int y = (int) Math.floor(top[0] / scale);
                lines.add(new TextLine(
                        text,
                        confidence,
                        x,
                        y,
                        (int) Math.ceil(right[0] / scale) - x,
                        (int) Math.ceil(bottom[0] / scale) - y));
            } while (it.Next(RIL_TEXTLINE));
        } finally {
            it.deallocate();
        }
        return new RecognizedText(lines);
    }

    @Override
    public void close() {
        for (TessBaseAPI api : all) {
            api.End();
            api.deallocate();
        }
        all.clear();
        idle.clear();
    }
}
