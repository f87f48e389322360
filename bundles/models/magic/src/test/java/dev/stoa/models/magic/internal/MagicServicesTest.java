package dev.stoa.models.magic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.train.ModelFiles;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The captioner as the platform serves it, with a language model in a model store as the {@code gpt-captions}
 * factory publishes it (GPT tiny, random weights: the point is the wiring, not the words) and a stand-in CLIP whose
 * scores are known: the image embedding is {@code (1, 0)} and a text's is {@code (cos θ, sin θ)} with
 * {@code θ = π/2 - n π/24}, n the number of lower-case letters in it, so the more letters a text has, the higher its
 * CLIP score.
 */
class MagicServicesTest {

    private static final Map<String, String> TINY =
            Map.of("context_length", "64", "width", "32", "layers", "1", "heads", "2");
    private static final Image IMAGE = new Image(4, 4, new byte[4 * 4 * 3]);

    @TempDir
    Path home;

    private final List<MagicCaptioner> opened = new ArrayList<>();
    private final List<Object> imageCalls = new ArrayList<>();
    private final List<List<String>> textBatches = new ArrayList<>();

    /** The stand-in CLIP's image tower over the bus: {@code clip-x-image}. */
    private final ServiceCaller caller = new ServiceCaller() {
        @Override
        public <O> O call(String id, Object input, Class<O> outputType) {
            if (!id.equals("clip-x-image")) {
                throw new StoaException(FailureCode.UNKNOWN_SERVICE, "no service '" + id + "'");
            }
            imageCalls.add(input);
            return outputType.cast(new Embedding(new float[] {1, 0}));
        }
    };

    /** Its text tower, {@code clip-x-text}. */
    private final ClipOnBus.TextEncoders encoders = new ClipOnBus.TextEncoders() {
        @Override
        public <T> Optional<T> with(String id, Function<TextEncoder, T> use) {
            if (!id.equals("clip-x-text")) {
                return Optional.empty();
            }
            return Optional.of(use.apply(new TextEncoder() {
                @Override
                public int dimension() {
                    return 2;
                }

                @Override
                public int maxTokens() {
                    return 64;
                }

                @Override
                public List<Embedding> encodeBatch(List<Text> texts) {
                    textBatches.add(texts.stream().map(Text::value).toList());
                    return texts.stream()
                            .map(t -> {
                                double theta = Math.max(0, Math.PI / 2 - letters(t.value()) * Math.PI / 24);
                                return new Embedding(new float[] {(float) Math.cos(theta), (float) Math.sin(theta)});
                            })
                            .toList();
                }
            }));
        }
    };

    @BeforeEach
    void publishLanguageModel() throws Exception {
        Path version = home.resolve("data/models/gpt-tiny-captions/1");
        Files.createDirectories(version);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            LanguageModel lm = new GptFactory().create(TINY);
            lm.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            ModelFiles.saveParameters(lm, version.resolve(StoreLanguageModels.PARAMETERS));
        }
        ModelFiles.writeProperties(version.resolve(StoreLanguageModels.HYPERPARAMETERS), TINY, "test");
        ModelFiles.writeProperties(version.resolve(StoreLanguageModels.PROMPT), Map.of("prompt_length", 0), "test");
    }

    @AfterEach
    void close() {
        opened.forEach(MagicCaptioner::close);
    }

    private MagicCaptioner captioner(String lm, String clip, int k, double beta) {
        MagicSettings s = MagicSettings.of(config(lm, clip, k, 0.1, beta, 12, ""), "etc/dev.stoa.magic-test.cfg");
        MagicCaptioner c = new MagicCaptioner(
                s,
                new StoreLanguageModels(
                        ModelStore.at(home.toString()),
                        s.lm(),
                        new GptFactory(),
                        MagicServicesTest::direct,
                        "PyTorch",
                        s.source()),
                new ClipOnBus(caller, encoders, s.clip(), s.source()));
        opened.add(c);
        return c;
    }

    static <T> T direct(java.util.concurrent.Callable<T> task) throws Exception {
        return task.call();
    }

    static MagicConfig config(String lm, String clip, int k, double alpha, double beta, int maxTokens, String id) {
        return new MagicConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MagicConfig.class;
            }

            @Override
            public String id() {
                return id;
            }

            @Override
            public String lm() {
                return lm;
            }

            @Override
            public String clip() {
                return clip;
            }

            @Override
            public int k() {
                return k;
            }

            @Override
            public double alpha() {
                return alpha;
            }

            @Override
            public double beta() {
                return beta;
            }

            @Override
            public double clipScale() {
                return 50;
            }

            @Override
            public int lookahead() {
                return 0;
            }

            @Override
            public double minProbability() {
                return 0;
            }

            @Override
            public int maxTokens() {
                return maxTokens;
            }

            @Override
            public String prompt() {
                return "";
            }
        };
    }

    private static long letters(String text) {
        return text.chars().filter(c -> c >= 'a' && c <= 'z').count();
    }

    @Test
    void clipGuidanceWritesWhatClipScoresHigherThanGreedyDecodingOfTheSameModel() {
        String greedy =
                captioner("gpt-tiny-captions", "clip-x", 1, 2.0).call(IMAGE).value();
        assertThat(imageCalls).as("greedy decoding does not ask CLIP").isEmpty();
        String magic =
                captioner("gpt-tiny-captions", "clip-x", 32, 2.0).call(IMAGE).value();
        // an untrained model's 32 most likely bytes are near uniform and nearly always hold a letter (26 of 260
        // bytes): CLIP's preference decides, so letters win where greedy decoding writes one in ten
        assertThat(letters(magic)).isGreaterThan(letters(greedy)).isGreaterThanOrEqualTo(8);
        // the image embedded once, each step's 32 candidates in one batch of the text tower
        assertThat(imageCalls).hasSize(1);
        assertThat(textBatches).isNotEmpty().allSatisfy(b -> assertThat(b).hasSize(32));
        // k = 32 and beta = 0 is contrastive search: no CLIP, and no preference for letters
        imageCalls.clear();
        String contrastive =
                captioner("gpt-tiny-captions", "clip-x", 32, 0.0).call(IMAGE).value();
        assertThat(imageCalls).isEmpty();
        assertThat(letters(contrastive)).isLessThan(letters(magic));
    }

    @Test
    void aMissingImageIsBadInputNamingTheField() {
        MagicCaptioner c = captioner("gpt-tiny-captions", "clip-x", 4, 1.0);
        assertThatThrownBy(() -> c.call(null))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("image");
    }

    @Test
    void aMissingLanguageModelNamesTheKeyAndTheTrainingFile() {
        MagicCaptioner c = captioner("gpt-nothing", "clip-x", 4, 1.0);
        assertThatThrownBy(() -> c.call(IMAGE))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNTRAINED))
                .hasMessageContaining("'lm = gpt-nothing'")
                .hasMessageContaining("etc/dev.stoa.magic-test.cfg")
                .hasMessageContaining("bin/stoa train bundles/models/magic/examples/train/gpt-scene-captions.yaml");
    }

    @Test
    void aMissingClipNamesTheKeyAndTheFix() {
        MagicCaptioner c = captioner("gpt-tiny-captions", "clip-none", 4, 1.0);
        assertThatThrownBy(() -> c.call(IMAGE))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("'clip = clip-none'")
                .hasMessageContaining("clip-none-image")
                .hasMessageContaining("etc/train/clip-shapes-scenes.yaml");
        // greedy decoding needs no CLIP, so the same captioner with k = 1 answers
        assertThat(captioner("gpt-tiny-captions", "clip-none", 1, 1.0)
                        .call(IMAGE)
                        .value())
                .isNotNull();
    }

    @Test
    void aClipWithoutItsTextTowerNamesTheKey() {
        ClipOnBus onlyImages = new ClipOnBus(caller, encoders, "clip-x", "f.cfg");
        ClipOnBus noText = new ClipOnBus(
                caller,
                new ClipOnBus.TextEncoders() {
                    @Override
                    public <T> Optional<T> with(String id, Function<TextEncoder, T> use) {
                        return Optional.empty();
                    }
                },
                "clip-x",
                "f.cfg");
        assertThat(onlyImages.image(IMAGE)).containsExactly(1f, 0f);
        assertThatThrownBy(() -> noText.texts(List.of("a red circle")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("'clip = clip-x'")
                .hasMessageContaining("clip-x-text");
    }

    @Test
    void badConfigurationNamesTheKey() {
        String f = "etc/dev.stoa.magic-bad.cfg";
        assertThatThrownBy(() -> MagicSettings.of(config("", "clip-x", 4, 0.1, 1, 12, ""), f))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("'lm' is missing")
                .hasMessageContaining(f);
        assertThatThrownBy(() -> MagicSettings.of(config("gpt-a", "Clip X", 4, 0.1, 1, 12, ""), f))
                .hasMessageContaining("'clip'");
        assertThatThrownBy(() -> MagicSettings.of(config("gpt-a", "clip-x", 0, 0.1, 1, 12, ""), f))
                .hasMessageContaining("'k' is 0");
        assertThatThrownBy(() -> MagicSettings.of(config("gpt-a", "clip-x", 4, 1.5, 1, 12, ""), f))
                .hasMessageContaining("'alpha' is 1.5");
        assertThatThrownBy(() -> MagicSettings.of(config("gpt-a", "clip-x", 4, 0.1, -1, 12, ""), f))
                .hasMessageContaining("'beta' is -1.0");
        assertThatThrownBy(() -> MagicSettings.of(config("gpt-a", "clip-x", 4, 0.1, 1, 0, ""), f))
                .hasMessageContaining("'maxTokens' is 0");
        assertThat(MagicSettings.of(config("gpt-a", "clip-x", 4, 0.1, 1, 12, ""), f)
                        .id())
                .isEqualTo("magic-gpt-a-caption");
        assertThat(MagicSettings.of(config("gpt-a", "clip-x", 4, 0.1, 1, 12, "my-captions"), f)
                        .id())
                .isEqualTo("my-captions");
    }
}
