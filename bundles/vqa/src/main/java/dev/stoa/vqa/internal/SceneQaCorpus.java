package dev.stoa.vqa.internal;

import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The answering model's training text, made from shapes examples' attributes (the images are not used): each
 * example becomes its {@link SceneText} description as the pipeline's stages would write it, errors included
 * ({@link SceneWriter}), one of its questions and the true answer. With probability
 * {@code fewShotProbability} one or two solved blocks of other examples of the batch go first, so the same model
 * reads PiCA-style few-shot prompts.
 */
final class SceneQaCorpus {

    private final double fewShotProbability;
    private final SceneWriter writer;
    private final CopyWords copyWords;

    /** @param fewShotProbability chance, 0 to 1, that a text has solved examples before it */
    SceneQaCorpus(double fewShotProbability) {
        this(fewShotProbability, new SceneWriter(false, StageErrors.NONE));
    }

    /**
     * @param fewShotProbability chance, 0 to 1, that a text has solved examples before it
     * @param writer writes each scene's description, with or without a caption, with the stages' errors
     */
    SceneQaCorpus(double fewShotProbability, SceneWriter writer) {
        this(fewShotProbability, writer, CopyWords.NONE);
    }

    /**
     * @param fewShotProbability chance, 0 to 1, that a text has solved examples before it
     * @param writer writes each scene's description, with or without a caption, with the stages' errors
     * @param copyWords which scenes get a random word instead of the dataset's, so the model learns to copy words
     */
    SceneQaCorpus(double fewShotProbability, SceneWriter writer, CopyWords copyWords) {
        this.fewShotProbability = fewShotProbability;
        this.writer = writer;
        this.copyWords = copyWords;
    }

    /**
     * @param examples shapes examples
     * @param random draws questions, wordings and shots
     * @return one training text per example, in order
     */
    List<String> texts(List<Example> examples, SplittableRandom random) {
        List<String> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            List<String> shots = new ArrayList<>();
            if (examples.size() > 2 && random.nextDouble() < fewShotProbability) {
                int n = 1 + random.nextInt(2);
                for (int k = 1; k <= n; k++) {
                    shots.add(solved(examples.get((i + k) % examples.size()), random));
                }
            }
            shots.add(solved(examples.get(i), random));
            out.add(String.join("", shots).stripTrailing());
        }
        return out;
    }

    private String solved(Example example, SplittableRandom random) {
        Example e = copyWords.apply(example, random);
        List<SceneQuestion> questions = SceneQuestions.of(e, random);
        return SceneText.solved(writer.noisy(e, random), questions.get(random.nextInt(questions.size())));
    }
}
