package dev.stoa.ocr.paddle.internal;

import ai.onnxruntime.OrtException;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.service.TextRecognizer;
import dev.stoa.djl.DjlRuntime;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TextRecognizer} {@code ocr-paddle}: PaddleOCR PP-OCRv4 on ONNX Runtime, callable on the event bus at
 * {@code stoa.model.ocr-paddle}. Immediate, so the models load (about a second) when the bundle starts and a missing
 * file shows in the log at once, not at the first call.
 *
 * <p>It runs ONNX Runtime through its own Java API, but waits for DJL's OnnxRuntime engine: there is one
 * {@code OrtEnvironment} per JVM, DJL creates it with its own thread-pool options and fails ("Tried to specify the
 * thread pool when creating an OrtEnvironment, but one already exists") if anyone else created it first.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.ocr.paddle",
        service = {TextRecognizer.class, StoaService.class},
        property = {"stoa.id=ocr-paddle", "stoa.kind=model"})
@Designate(ocd = PaddleOcrComponent.Config.class)
public final class PaddleOcrComponent implements TextRecognizer {

    private static final Logger LOG = LoggerFactory.getLogger(PaddleOcrComponent.class);

    /** Settings, PID {@code dev.stoa.ocr.paddle} ({@code etc/dev.stoa.ocr.paddle.cfg}). */
    @ObjectClassDefinition(name = "Stoa OCR: PaddleOCR PP-OCRv4")
    public @interface Config {

        @AttributeDefinition(
                description = "Folder with ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx and"
                        + " ppocr_keys_v1.txt; a relative path is resolved against the installation folder (stoa.home)")
        String modelDir() default "models/paddleocr";

        @AttributeDefinition(
                description = "Longer side of the image the detector sees, a multiple of 32; larger"
                        + " images are scaled down for detection (PaddleOCR's det_limit_side_len)")
        int maxSideLength() default PaddleOcr.DEFAULT_MAX_SIDE;

        @AttributeDefinition(
                description = "Shorter side below which an image is scaled up for detection (at most to"
                        + " maxSideLength); 0 never scales up. Small images (a word in a 96-pixel scene) need it")
        int minSideLength() default 0;

        @AttributeDefinition(description = "ONNX Runtime threads per call; 0 for one per core")
        int threads() default 0;
    }

    private final PaddleOcr ocr;

    /**
     * Loads the models.
     *
     * @param context the bundle's context, for the installation folder
     * @param djl DJL with its OnnxRuntime engine loaded, hence ONNX Runtime's environment created
     * @param config the settings
     * @throws IOException when a model file cannot be read
     * @throws OrtException when ONNX Runtime cannot load a model
     */
    @Activate
    public PaddleOcrComponent(
            BundleContext context,
            @Reference(name = "djl", target = "(djl.engines=OnnxRuntime)") DjlRuntime djl,
            Config config)
            throws IOException, OrtException {
        Path dir = Path.of(config.modelDir());
        String home = context.getProperty("stoa.home");
        if (!dir.isAbsolute() && home != null) {
            dir = Path.of(home).resolve(dir);
        }
        long start = System.nanoTime();
        this.ocr = PaddleOcr.load(dir, config.maxSideLength(), config.minSideLength(), config.threads());
        LOG.info("PaddleOCR PP-OCRv4 loaded from {} in {} ms", dir, (System.nanoTime() - start) / 1_000_000);
    }

    @Deactivate
    void close() throws OrtException {
        ocr.close();
    }

    @Override
    public RecognizedText call(Image image) {
        try {
            return ocr.read(image);
        } catch (OrtException e) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "ONNX Runtime failed on a " + image.width() + "x" + image.height() + " image: " + e.getMessage(),
                    e);
        }
    }
}
