package dev.stoa.models.clip.internal;

import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.AlignLossFactory;
import dev.stoa.losses.internal.ClipLossFactory;
import dev.stoa.losses.internal.UniClLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.train.internal.TrainingHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The example training files of this bundle ({@code examples/train/*.yaml}), run with the trainer's own run
 * ({@link TrainingHarness}) on the services the platform would find by {@code stoa.id}: this bundle's {@code clip}
 * model (its shipped variant files), the {@code clip}, {@code align} and {@code unicl} losses and the {@code shapes}
 * dataset.
 */
final class ClipExamples {

    /** This bundle's examples folder (surefire runs in the module's folder). */
    static final Path FOLDER = Path.of("examples", "train");

    private ClipExamples() {}

    /** @return every training file in {@link #FOLDER}, sorted, so a new file is run without editing a test */
    static List<Path> files() {
        try (Stream<Path> files = Files.list(FOLDER)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The trainer's {@code clip} model factory, as {@code ClipModels} registers it, outside OSGi. */
    static final class Model implements TrainableModelFactory {
        @Override
        public Map<String, Object> defaults() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("variant", "tiny");
            d.put("model_id", "clip-<variant>");
            return d;
        }

        @Override
        public TrainableModel create(Map<String, ?> options) {
            String name = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
            try {
                ClipVariant variant = ClipTestSupport.variant(name);
                String modelId =
                        options.containsKey("model_id") ? String.valueOf(options.get("model_id")) : variant.id();
                return new ClipTrainable(variant, modelId, ClipTestSupport.ENCODERS::get);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static LossFactory loss(String id) {
        return switch (id) {
            case "clip" -> new ClipLossFactory();
            case "align" -> new AlignLossFactory();
            case "unicl" -> new UniClLossFactory();
            default -> null;
        };
    }

    static DatasetFactory dataset(String id) {
        return id.equals("shapes") ? new ShapesDatasetFactory() : null;
    }

    /**
     * @param file a training file
     * @param overrides dotted paths replaced in it (e.g. {@code train.steps})
     * @param home where the model store and the run folders go
     * @param listener told every status change
     * @return the final status
     */
    static TrainingStatus run(Path file, Map<String, Object> overrides, Path home, Consumer<TrainingStatus> listener)
            throws IOException {
        return TrainingHarness.run(
                file,
                overrides,
                id -> id.equals("clip") ? new Model() : null,
                ClipExamples::loss,
                ClipExamples::dataset,
                home,
                listener);
    }
}
