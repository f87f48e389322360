package dev.stoa.nn.diffusion;

import java.util.Arrays;

/**
 * A DDPM noise schedule over T steps: {@code beta_t}, {@code alpha_t = 1 - beta_t} and {@code alphaBar_t = prod_{s <= t}
 * alpha_s}, for {@code t = 0 .. T-1} (step {@code t} of the paper's 1-based {@code t + 1}).
 *
 * <ul>
 *   <li>{@link #cosine(int)} (Nichol and Dhariwal 2021, eq. 17): {@code alphaBar_t = f(t + 1) / f(0)},
 *       {@code f(u) = cos(((u / T) + s) / (1 + s) * pi / 2)^2}, {@code s = 0.008}, each {@code beta} capped at 0.999;
 *   <li>{@link #linear(int, double, double)} (Ho et al. 2020): {@code beta} evenly from {@code beta_1} to
 *       {@code beta_T}.
 * </ul>
 */
public final class NoiseSchedule {

    /** The cosine schedule's offset s, so that beta_0 is not too small. */
    public static final double COSINE_OFFSET = 0.008;

    /** Largest beta of the cosine schedule (Nichol and Dhariwal cap it so that the last step is not singular). */
    public static final double MAX_BETA = 0.999;

    private final String name;
    private final double[] betas;
    private final double[] alphaBars;

    private NoiseSchedule(String name, double[] betas) {
        this.name = name;
        this.betas = betas;
        this.alphaBars = new double[betas.length];
        double product = 1;
        for (int t = 0; t < betas.length; t++) {
            product *= 1 - betas[t];
            alphaBars[t] = product;
        }
    }

    /**
     * @param steps T, at least 1
     * @return the cosine schedule
     */
    public static NoiseSchedule cosine(int steps) {
        checkSteps(steps);
        double[] betas = new double[steps];
        for (int t = 0; t < steps; t++) {
            betas[t] = Math.min(1 - cosineF(t + 1, steps) / cosineF(t, steps), MAX_BETA);
        }
        return new NoiseSchedule("cosine", betas);
    }

    /**
     * The cosine schedule's {@code f(u) = cos(((u / T) + s) / (1 + s) * pi / 2)^2}.
     *
     * @param u 0 to T
     * @param steps T
     * @return f(u)
     */
    static double cosineF(double u, int steps) {
        double c = Math.cos((u / steps + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2);
        return c * c;
    }

    /**
     * @param steps T, at least 1
     * @param first beta_1, in (0, 1)
     * @param last beta_T, in [beta_1, 1)
     * @return the linear schedule
     */
    public static NoiseSchedule linear(int steps, double first, double last) {
        checkSteps(steps);
        if (!(first > 0 && first <= last && last < 1)) {
            throw new IllegalArgumentException("need 0 < beta_1 <= beta_T < 1, got " + first + " and " + last);
        }
        double[] betas = new double[steps];
        for (int t = 0; t < steps; t++) {
            betas[t] = steps == 1 ? first : first + (last - first) * t / (steps - 1);
        }
        return new NoiseSchedule("linear", betas);
    }

    /**
     * @param name {@code cosine} or {@code linear} (beta from 1e-4 to 0.02 scaled by 1000 / T, as improved DDPM does)
     * @param steps T
     * @return the schedule
     * @throws IllegalArgumentException naming the accepted names
     */
    public static NoiseSchedule named(String name, int steps) {
        return switch (name) {
            case "cosine" -> cosine(steps);
            case "linear" -> {
                double scale = 1000.0 / steps;
                yield linear(steps, Math.min(1e-4 * scale, 0.5), Math.min(0.02 * scale, 0.999));
            }
            default ->
                throw new IllegalArgumentException("unknown noise schedule '" + name + "'; use cosine or linear");
        };
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a schedule needs at least 1 step, got " + steps);
        }
    }

    /** @return {@code cosine} or {@code linear} */
    public String name() {
        return name;
    }

    /** @return T */
    public int steps() {
        return betas.length;
    }

    /**
     * @param t 0 to T-1
     * @return beta_t
     */
    public double beta(int t) {
        return betas[t];
    }

    /**
     * @param t -1 to T-1; -1 is "before the first step", the clean image, alphaBar 1
     * @return alphaBar_t
     */
    public double alphaBar(int t) {
        return t < 0 ? 1.0 : alphaBars[t];
    }

    /**
     * The timesteps a sampler of n steps visits, from the noisiest down: n of {@code 0 .. T-1}, evenly spaced, the
     * first T-1 and the last 0 (DDIM's subsequence tau).
     *
     * @param n 1 to T
     * @return n distinct timesteps in descending order
     * @throws IllegalArgumentException if n is outside 1..T
     */
    public int[] samplingTimesteps(int n) {
        int steps = steps();
        if (n < 1 || n > steps) {
            throw new IllegalArgumentException("sampling steps must be 1 to " + steps + ", got " + n);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            // descending, evenly spaced; distinct because (T - 1) / (n - 1) >= 1
            out[i] = n == 1 ? steps - 1 : (int) Math.round((steps - 1) * (double) (n - 1 - i) / (n - 1));
        }
        return out;
    }

    @Override
    public String toString() {
        return name + "(" + steps() + ", alphaBar " + Arrays.toString(new double[] {alphaBar(0), alphaBar(steps() - 1)})
                + ")";
    }
}
