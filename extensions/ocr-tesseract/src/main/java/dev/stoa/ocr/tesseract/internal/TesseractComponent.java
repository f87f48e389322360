package dev.stoa.ocr.tesseract.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.service.TextRecognizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link TextRecognizer} {@code ocr-tesseract} (on the event bus at {@code stoa.model.ocr-tesseract})
 * when Tesseract's language model is installed, and nothing otherwise.
 *
 * <p>The model is not shipped (Debian's {@code tesseract-ocr-eng} installs it), so its absence is a normal state,
 * not a failure: this component then logs how to enable the engine and registers no service. Declarative Services
 * cannot make a component's service depend on a file, hence the registration by hand, undone on deactivation
 * (a configuration change re-checks the file).
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.ocr.tesseract",
        service = {})
@Designate(ocd = TesseractComponent.Config.class)
public final class TesseractComponent {

    private static final Logger LOG = LoggerFactory.getLogger(TesseractComponent.class);

    /** The service id. */
    static final String ID = "ocr-tesseract";

    /** Settings, PID {@code dev.stoa.ocr.tesseract} ({@code etc/dev.stoa.ocr.tesseract.cfg}). */
    @ObjectClassDefinition(name = "Stoa OCR: Tesseract")
    public @interface Config {

        @AttributeDefinition(
                description = "Folder holding <language>.traineddata (Debian's tesseract-ocr-eng puts"
                        + " eng.traineddata in /usr/share/tesseract-ocr/5/tessdata)")
        String tessdataDir() default "/usr/share/tesseract-ocr/5/tessdata";

        @AttributeDefinition(description = "Tesseract language code(s), e.g. eng, or eng+deu")
        String language() default "eng";

        @AttributeDefinition(description = "How many calls may run at once (each holds its own Tesseract instance)")
        int instances() default 2;

        @AttributeDefinition(description = "Longer side above which images are scaled down before recognition")
        int maxSideLength() default 4096;
    }

    private final TesseractOcr ocr;
    private final ServiceRegistration<?> registration;

    /**
     * Loads Tesseract and registers the service, if the language model is installed.
     *
     * @param context the bundle's context, to register the service with
     * @param config the settings
     */
    @Activate
    public TesseractComponent(BundleContext context, Config config) {
        Path tessdata = Path.of(config.tessdataDir());
        String first = config.language().split("\\+")[0];
        Path model = tessdata.resolve(first + ".traineddata");
        if (!Files.isRegularFile(model)) {
            LOG.info(
                    "Tesseract OCR ('{}') is off: no {}. Install it (Debian: apt-get install tesseract-ocr-{}) or"
                            + " set tessdataDir in etc/dev.stoa.ocr.tesseract.cfg",
                    ID,
                    model,
                    first);
            this.ocr = null;
            this.registration = null;
            return;
        }
        long start = System.nanoTime();
        this.ocr = new TesseractOcr(tessdata, config.language(), config.instances(), config.maxSideLength());
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ServiceProperties.ID, ID);
        properties.put(ServiceProperties.KIND, "model");
        this.registration = context.registerService(
                new String[] {TextRecognizer.class.getName(), StoaService.class.getName()}, ocr, properties);
        LOG.info(
                "Tesseract OCR ('{}') loaded {} from {} in {} ms",
                ID,
                config.language(),
                tessdata,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            ocr.close();
        }
    }
}
