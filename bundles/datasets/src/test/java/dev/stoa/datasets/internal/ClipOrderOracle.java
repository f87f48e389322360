package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An oracle for frame ordering: it sees exactly what each frame of a {@link ShapeClip} shows (empty, or the shape's
 * colour and centre) in a shuffled order, and knows the generator's rules: an empty frame only first and followed by
 * the shape appearing; every other step either a move (same colour, every move of the clip the same displacement) or a
 * colour change (same place, the next colour on the cycle). It counts the orders of the frames that obey the rules.
 * A clip whose count is 1 can be put back in order from its frames alone; with a count of n, the best any model can
 * do on it is 1/n. It also counts the orders a model that reads only the colours (and emptiness) could not tell apart,
 * the ceiling of ordering by colour alone.
 */
final class ClipOrderOracle {

    private static final double EPS = 1e-6;

    private ClipOrderOracle() {}

    /** @return how many orders of the clip's frames obey the rules, seen from the frames' content alone */
    static int consistentOrders(ShapeClip clip) {
        int n = 0;
        for (int[] order : permutations(clip.frames())) {
            n += obeysRules(clip, order) ? 1 : 0;
        }
        return n;
    }

    /** @return how many orders of the clip's frames a model that sees only colours and emptiness could not rule out */
    static int colourOnlyOrders(ShapeClip clip) {
        int n = 0;
        for (int[] order : permutations(clip.frames())) {
            n += obeysColours(clip, order) ? 1 : 0;
        }
        return n;
    }

    /**
     * @param order order[k] = the clip frame shown k-th
     * @return whether showing the frames in that order obeys the generator's rules
     */
    static boolean obeysRules(ShapeClip clip, int[] order) {
        double[] move = null;
        int colourChanges = 0;
        for (int k = 1; k < order.length; k++) {
            double[] a = clip.centres().get(order[k - 1]);
            double[] b = clip.centres().get(order[k]);
            if (b == null) {
                return false;
            }
            if (a == null) {
                if (k != 1) {
                    return false;
                }
                continue;
            }
            int from = ShapeClip.CYCLE.indexOf(clip.colours().get(order[k - 1]));
            int to = ShapeClip.CYCLE.indexOf(clip.colours().get(order[k]));
            boolean samePlace = Math.abs(a[0] - b[0]) < EPS && Math.abs(a[1] - b[1]) < EPS;
            if (to == from && !samePlace) {
                double[] d = {b[0] - a[0], b[1] - a[1]};
                boolean oneAxis = Math.abs(d[0]) < EPS || Math.abs(d[1]) < EPS;
                if (!oneAxis || (move != null && (Math.abs(move[0] - d[0]) > EPS || Math.abs(move[1] - d[1]) > EPS))) {
                    return false;
                }
                move = d;
            } else if (to == (from + 1) % ShapeClip.CYCLE.size() && samePlace) {
                colourChanges++;
            } else {
                return false;
            }
        }
        return colourChanges >= 1;
    }

    /** @return whether the colours (and emptiness) alone allow that order: empty first, colours one step at most */
    static boolean obeysColours(ShapeClip clip, int[] order) {
        int changes = 0;
        for (int k = 1; k < order.length; k++) {
            boolean emptyBefore = clip.centres().get(order[k - 1]) == null;
            if (clip.centres().get(order[k]) == null) {
                return false;
            }
            if (emptyBefore) {
                continue;
            }
            int from = ShapeClip.CYCLE.indexOf(clip.colours().get(order[k - 1]));
            int to = ShapeClip.CYCLE.indexOf(clip.colours().get(order[k]));
            if (to == (from + 1) % ShapeClip.CYCLE.size()) {
                changes++;
            } else if (to != from) {
                return false;
            }
        }
        return changes >= 1;
    }

    /** @return every permutation of 0..n-1 */
    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] current, boolean[] used, int at, List<int[]> out) {
        if (at == current.length) {
            out.add(current.clone());
            return;
        }
        for (int i = 0; i < current.length; i++) {
            if (!used[i]) {
                used[i] = true;
                current[at] = i;
                permute(current, used, at + 1, out);
                used[i] = false;
            }
        }
    }
}
