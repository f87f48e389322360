package dev.stoa.ocr.paddle.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.TextLine;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PaddleOCR's PP-OCRv4 pipeline on ONNX Runtime: DB text detection, the boxes of one line joined
 * ({@link LineGrouper}), then CTC text recognition of each line, in reading order.
 *
 * <p>Detection sees the image resized so that its longer side is at most {@code maxSideLength} (PaddleOCR's
 * {@code det_limit_side_len}, limit type "max") and both sides are multiples of 32; recognition crops each line from
 * the full-resolution image. A large image therefore costs one detector-sized tensor, not a copy of itself. An image
 * whose shorter side is below {@code minSideLength} (0: off) is scaled up for detection instead, at most until its
 * longer side reaches {@code maxSideLength} (PaddleOCR's limit type "min"): the DB detector misses small text, such as
 * a word a few pixels high in a 96-pixel image, which it finds at twice the size.
 *
 * <p>Thread-safe: ONNX Runtime sessions may run concurrently.
 */
final class PaddleOcr implements AutoCloseable {

    /** PP-OCRv4 detection model, input {@code x (N, 3, H, W)}, output {@code (N, 1, H, W)} text probability. */
    static final String DETECTOR = "ch_PP-OCRv4_det_infer.onnx";
    /** PP-OCRv4 recognition model, input {@code x (N, 3, 48, W)}, output {@code (N, T, 6625)} probabilities. */
    static final String RECOGNIZER = "ch_PP-OCRv4_rec_infer.onnx";
    /** The recognizer's character list. */
    static final String CHARACTERS = "ppocr_keys_v1.txt";
    /** Longer side of the detector's input: PaddleOCR's {@code det_limit_side_len} default. */
    static final int DEFAULT_MAX_SIDE = 960;
    /**
     * Rows of image added above and below a line's box before recognition, as a fraction of its height. Measured
     * here on the rendered test lines: with the bare box the recognizer ran words together ("Version0.36.0isstable")
     * and read 90% of the lines exactly; with 10% (and 20%) more context it read 98%.
     */
    static final double REC_VERTICAL_MARGIN = 0.1;
    /** Lines recognized with less confidence are dropped: PaddleOCR's {@code drop_score} default. */
    static final double DROP_SCORE = 0.5;

    private final OrtSession detector;
    private final OrtSession recognizer;
    private final String detectorInput;
    private final String recognizerInput;
    private final CtcDecoder decoder;
    private final DbPostProcessor postProcessor = new DbPostProcessor();
    private final int maxSide;
    private final int minSide;

    private PaddleOcr(OrtSession detector, OrtSession recognizer, CtcDecoder decoder, int maxSide, int minSide) {
        this.detector = detector;
        this.recognizer = recognizer;
        this.detectorInput = detector.getInputNames().iterator().next();
        this.recognizerInput = recognizer.getInputNames().iterator().next();
        this.decoder = decoder;
        this.maxSide = maxSide;
        this.minSide = minSide;
    }

    /**
     * Loads the models.
     *
     * @param dir folder holding {@link #DETECTOR}, {@link #RECOGNIZER} and {@link #CHARACTERS}
     * @param maxSideLength longer side of the detector's input, a multiple of 32 (960 is PaddleOCR's)
     * @param threads ONNX Runtime intra-op threads per call; 0 for its default (one per core)
     * @return the pipeline
     * @throws StoaException {@link FailureCode#BAD_CONFIG} when a file is missing or a setting is out of range
     * @throws IOException when a file cannot be read
     * @throws OrtException when ONNX Runtime cannot load a model
     */
    static PaddleOcr load(Path dir, int maxSideLength, int threads) throws IOException, OrtException {
        return load(dir, maxSideLength, 0, threads);
    }

    /**
     * Loads the models.
     *
     * @param dir folder holding {@link #DETECTOR}, {@link #RECOGNIZER} and {@link #CHARACTERS}
     * @param maxSideLength longer side of the detector's input, a multiple of 32 (960 is PaddleOCR's)
     * @param minSideLength shorter side below which an image is scaled up for detection; 0 for never
     * @param threads ONNX Runtime intra-op threads per call; 0 for its default (one per core)
     * @return the pipeline
     * @throws StoaException {@link FailureCode#BAD_CONFIG} when a file is missing or a setting is out of range
     * @throws IOException when a file cannot be read
     * @throws OrtException when ONNX Runtime cannot load a model
     */
    static PaddleOcr load(Path dir, int maxSideLength, int minSideLength, int threads)
            throws IOException, OrtException {
        for (String file : new String[] {DETECTOR, RECOGNIZER, CHARACTERS}) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "PaddleOCR model file " + dir.resolve(file)
                                + " is missing; set modelDir in etc/dev.stoa.ocr.paddle.cfg to the folder that holds "
                                + DETECTOR + ", " + RECOGNIZER + " and " + CHARACTERS
                                + " (the distribution ships them in"
                                + " models/paddleocr)");
            }
        }
        if (maxSideLength < 32 || maxSideLength % 32 != 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "maxSideLength is " + maxSideLength
                            + "; set it to a multiple of 32 of at least 32 (PaddleOCR uses 960)");
        }
        if (minSideLength < 0 || minSideLength > maxSideLength) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "minSideLength is " + minSideLength + "; set it to 0 (never scale up) or a length up to"
                            + " maxSideLength (" + maxSideLength + ")");
        }
        if (threads < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "threads is " + threads + "; set it to 0 (ONNX Runtime's default) or a positive count");
        }
        CtcDecoder decoder = CtcDecoder.fromFile(dir.resolve(CHARACTERS));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            OrtSession detector = env.createSession(dir.resolve(DETECTOR).toString(), options);
            try {
                OrtSession recognizer =
                        env.createSession(dir.resolve(RECOGNIZER).toString(), options);
                return new PaddleOcr(detector, recognizer, decoder, maxSideLength, minSideLength);
            } catch (OrtException | RuntimeException e) {
                detector.close();
                throw e;
            }
        }
    }

    /**
     * Reads the text in an image.
     *
     * @param image any image the platform accepts
     * @return its lines in reading order, each with its box in the image's pixels; none when there is no text
     * @throws OrtException when ONNX Runtime fails
     */
    RecognizedText read(Image image) throws OrtException {
        List<TextLine> lines = new ArrayList<>();
        for (TextBox box : ReadingOrder.sort(LineGrouper.join(detect(image)))) {
            CtcDecoder.Decoded decoded = recognize(image, box);
            // surrounding spaces carry nothing on a line of its own; PaddleOCR drops unsure lines the same way
            String text = decoded.text().strip();
            if (!text.isEmpty() && decoded.confidence() >= DROP_SCORE) {
                lines.add(new TextLine(text, decoded.confidence(), box.x(), box.y(), box.width(), box.height()));
            }
        }
        return new RecognizedText(lines);
    }

    /** @return the text boxes, in the image's pixels */
    List<TextBox> detect(Image image) throws OrtException {
        int w = image.width();
        int h = image.height();
        double ratio = detectorScale(w, h, maxSide, minSide);
        // PaddleOCR's DetResizeForTest: scale, then round each side to a multiple of 32, at least 32
        int mapW = Math.max(32, (int) Math.round((int) (w * ratio) / 32.0) * 32);
        int mapH = Math.max(32, (int) Math.round((int) (h * ratio) / 32.0) * 32);
        float[] input = ImageTensors.detectorInput(image, mapW, mapH);
        float[] probability;
        try (OnnxTensor tensor = OnnxTensor.createTensor(
                        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(input), new long[] {1, 3, mapH, mapW});
                OrtSession.Result result = detector.run(Map.of(detectorInput, tensor))) {
            probability = floats((OnnxTensor) result.get(0));
        }
        if (probability.length != mapW * mapH) {
            throw new StoaException(
                    FailureCode.SHAPE_MISMATCH,
                    "the detector " + DETECTOR + " returned " + probability.length + " values for a " + mapW + "x"
                            + mapH + " map; use PP-OCRv4's DB model");
        }
        List<TextBox> boxes = new ArrayList<>();
        for (TextBox box : postProcessor.boxes(probability, mapW, mapH)) {
            boxes.add(box.scaled((double) mapW / w, (double) mapH / h).clippedTo(w, h));
        }
        return boxes;
    }

    /**
     * @param w the image's width
     * @param h the image's height
     * @param maxSide the longest side the detector sees
     * @param minSide the shorter side below which the image is scaled up; 0 for never
     * @return the factor the image is scaled by for detection: down to {@code maxSide}, else up to {@code minSide}
     *     but never past {@code maxSide}, else 1
     */
    static double detectorScale(int w, int h, int maxSide, int minSide) {
        int longer = Math.max(w, h);
        int shorter = Math.min(w, h);
        if (longer > maxSide) {
            return (double) maxSide / longer;
        }
        if (shorter < minSide) {
            return Math.min((double) minSide / shorter, (double) maxSide / longer);
        }
        return 1.0;
    }

    private CtcDecoder.Decoded recognize(Image image, TextBox line) throws OrtException {
        int margin = (int) Math.round(REC_VERTICAL_MARGIN * line.height());
        TextBox box = new TextBox(line.x(), line.y() - margin, line.width(), line.height() + 2 * margin, line.score())
                .clippedTo(image.width(), image.height());
        int width = ImageTensors.recognizerWidth(box);
        float[] input = ImageTensors.recognizerInput(image, box, width);
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(input), new long[] {
                            1, 3, ImageTensors.REC_HEIGHT, width
                        });
                OrtSession.Result result = recognizer.run(Map.of(recognizerInput, tensor))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] shape = output.getInfo().getShape();
            if (shape.length != 3 || shape[2] != decoder.classes()) {
                throw new StoaException(
                        FailureCode.SHAPE_MISMATCH,
                        "the recognizer " + RECOGNIZER
                                + " returned shape " + Arrays.toString(shape) + "; expected (1, T, "
                                + decoder.classes() + ") for the " + (decoder.classes() - 2) + " characters of "
                                + CHARACTERS);
            }
            return decoder.decode(floats(output), (int) shape[1]);
        }
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    @Override
    public void close() throws OrtException {
        try {
            recognizer.close();
        } finally {
            detector.close();
        }
    }
}
