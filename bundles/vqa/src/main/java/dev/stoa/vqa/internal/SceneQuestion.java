package dev.stoa.vqa.internal;

/**
 * One question about a scene, with its exact answer.
 *
 * @param type what it asks about: {@code colour}, {@code shape}, {@code count} or {@code text}
 * @param question the question, e.g. {@code What colour is the shape?}
 * @param answer the answer, one word, e.g. {@code red}, {@code two}, {@code STOP}
 */
record SceneQuestion(String type, String question, String answer) {

    /**
     * @param predicted a model's answer
     * @return whether it is this answer: the first word, case and surrounding punctuation ignored
     */
    boolean isAnsweredBy(String predicted) {
        return SceneText.normalise(predicted).equals(SceneText.normalise(answer));
    }
}
