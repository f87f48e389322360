package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.ShapeJudge;
import dev.stoa.nn.text.ByteTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws {@code samples} images for one caption of each held-out example and asks {@link ShapeJudge} (pixels only,
 * nothing learnt) whether each shows the example's colour and shape: {@code judge/<split>} (all samples),
 * {@code judge_colour}, {@code judge_shape}; with a CLIP to rerank, {@code judge_reranked/<split>}: the same for the
 * sample CLIP scores best of each caption's {@code samples}, DALL-E's serving path.
 */
final class DalleEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(DalleEvaluation.class);
    /** Rows sampled at once. */
    private static final int CHUNK = 400;

    private final Dalle model;
    private final Dvae dvae;
    private final ByteTokenizer tokenizer;

    DalleEvaluation(Dalle model, Dvae dvae, ByteTokenizer tokenizer) {
        this.model = model;
        this.dvae = dvae;
        this.tokenizer = tokenizer;
    }

    /**
     * @param examples held-out examples; one of each one's captions is the prompt
     * @param split the split's name, for the metrics
     * @param samples images per caption
     * @param temperature sampling temperature
     * @param topK top-k cut (0: none)
     * @param reranker the CLIP reranker, or null for none
     * @param clip the CLIP model's id
     * @param ps where the parameters are read
     * @return the metrics
     */
    Map<String, Double> evaluate(
            List<Example> examples,
            String split,
            int samples,
            double temperature,
            int topK,
            ClipReranker reranker,
            String clip,
            ParameterStore ps) {
        SplittableRandom captions = new SplittableRandom(0);
        List<String> texts = new ArrayList<>();
        List<SplittableRandom> randoms = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(1);
        for (Example e : examples) {
            String caption = e.captions().get(captions.nextInt(e.captions().size()));
            for (int s = 0; s < samples; s++) {
                texts.add(caption);
                randoms.add(root.split());
            }
        }
        List<Image> images = new ArrayList<>(texts.size());
        try (NDManager m = ps.getManager().newSubManager()) {
            for (int from = 0; from < texts.size(); from += CHUNK) {
                int to = Math.min(texts.size(), from + CHUNK);
                images.addAll(DalleSampler.sample(
                                model,
                                dvae,
                                ps,
                                m,
                                tokenizer,
                                texts.subList(from, to),
                                randoms.subList(from, to),
                                temperature,
                                topK,
                                step -> {})
                        .images());
            }
        }
        int right = 0;
        int colour = 0;
        int shape = 0;
        int rerankedRight = 0;
        boolean reranked = reranker != null;
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            String c = e.attributes().get("colour");
            String s = e.attributes().get("shape");
            List<Image> mine = images.subList(i * samples, (i + 1) * samples);
            for (Image image : mine) {
                ShapeJudge.Verdict v = ShapeJudge.judge(image);
                right += v.says(c, s) ? 1 : 0;
                colour += c.equals(v.colour()) ? 1 : 0;
                shape += s.equals(v.shape()) ? 1 : 0;
            }
            if (reranked) {
                try {
                    int best = reranker.rank(clip, texts.get(i * samples), mine, 1)
                            .get(0)
                            .index();
                    rerankedRight += ShapeJudge.judge(mine.get(best)).says(c, s) ? 1 : 0;
                } catch (StoaException ex) {
                    LOG.info("no reranking in the evaluation: {}", ex.getMessage());
                    reranked = false;
                }
            }
        }
        double total = (double) examples.size() * samples;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("judge/" + split, right / total);
        out.put("judge_colour/" + split, colour / total);
        out.put("judge_shape/" + split, shape / total);
        if (reranked) {
            out.put("judge_reranked/" + split, (double) rerankedRight / examples.size());
        }
        return out;
    }
}
