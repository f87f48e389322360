package dev.stoa.vqa.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code vqa-question-router}: rewrites a question in any words to the canonical question of its type (colour,
 * shape, count, the word) that the answering model was trained on ({@link QuestionRouter}), through the shipped
 * sentence encoder {@code all-minilm-l6-v2}. In {@code {"question": "Name the shape.", "threshold": 0.5}}
 * ({@code threshold} optional, -1 to 1), out {@code {"question": "What shape is in the image?", "original", "type":
 * "shape", "nearest": "shape", "similarity": 0.71, "routed": true}}; a question below the threshold, or nearest to a
 * question the scene cannot answer, comes back unchanged with {@code "type": null, "routed": false}.
 */
@Component(
        service = StoaService.class,
        property = {"stoa.id=vqa-question-router", "stoa.kind=service", "stoa.version=1.0.0"})
public final class QuestionRouterService implements MapService {

    /** The sentence encoder it calls. */
    static final String ENCODER = "all-minilm-l6-v2";

    private final QuestionRouter router;

    /** @param caller calls the sentence encoder */
    @Activate
    public QuestionRouterService(@Reference ServiceCaller caller) {
        this(new QuestionRouter(texts -> {
            List<float[]> out = new ArrayList<>(texts.size());
            for (String t : texts) {
                out.add(caller.call(ENCODER, new Text(t), Embedding.class).vector());
            }
            return out;
        }));
    }

    QuestionRouterService(QuestionRouter router) {
        this.router = router;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> input) {
        Object q = input.get("question");
        if (!(q instanceof String question) || question.isBlank()) {
            throw StoaException.badInput(
                    "question",
                    q == null
                            ? "is missing; send {\"question\": \"...\"}"
                            : q instanceof String
                                    ? "is empty; send the question"
                                    : "is not a string; send the question as text");
        }
        if (question.length() > 1000) {
            throw StoaException.badInput("question", "has " + question.length() + " characters; send at most 1000");
        }
        double threshold = QuestionRouter.DEFAULT_THRESHOLD;
        Object t = input.get("threshold");
        if (t != null) {
            if (!(t instanceof Number n) || n.doubleValue() < -1 || n.doubleValue() > 1) {
                throw StoaException.badInput("threshold", "is " + t + "; send a number from -1 to 1");
            }
            threshold = n.doubleValue();
        }
        try {
            return router.route(question, threshold).json();
        } catch (StoaException e) {
            if (e.code() == FailureCode.UNKNOWN_SERVICE) {
                // the encoder is not loaded (yet): a state that passes, so the pipeline's retries apply
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        "the sentence encoder " + ENCODER + " is not loaded; it loads on start from"
                                + " etc/dev.stoa.onnxruntime.textencoder-" + ENCODER + ".cfg (GET /v1/services)",
                        e);
            }
            throw e;
        }
    }
}
