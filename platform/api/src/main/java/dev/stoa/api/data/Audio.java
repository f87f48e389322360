package dev.stoa.api.data;

import dev.stoa.api.StoaException;
import java.util.Arrays;

/**
 * A clip of PCM audio as floats in [-1, 1], channels interleaved, shape {@code (S * C)}.
 *
 * @param samples the interleaved samples
 * @param sampleRate samples per second per channel, e.g. 16000
 * @param channels the number of channels, at least 1
 */
public record Audio(float[] samples, int sampleRate, int channels) {

    /** The longest clip accepted: one hour at 48 kHz stereo. */
    public static final long MAX_SAMPLES = 3600L * 48_000 * 2;

    public Audio {
        if (samples == null) {
            throw StoaException.badInput("samples", "is missing; send the PCM samples as floats in [-1, 1]");
        }
        if (sampleRate < 1000 || sampleRate > 384_000) {
            throw StoaException.badInput("sampleRate", "is " + sampleRate + "; use a rate between 1000 and 384000 Hz");
        }
        if (channels < 1 || channels > 16) {
            throw StoaException.badInput("channels", "is " + channels + "; use 1 to 16");
        }
        if (samples.length % channels != 0) {
            throw StoaException.badInput(
                    "samples", "has " + samples.length + " values, not a multiple of " + channels + " channels");
        }
        if (samples.length > MAX_SAMPLES) {
            throw StoaException.badInput(
                    "samples",
                    "has " + samples.length + " values; at most " + MAX_SAMPLES
                            + " (one hour at 48 kHz stereo) are accepted: split the clip");
        }
    }

    /** @return the duration in seconds */
    public double seconds() {
        return (double) samples.length / channels / sampleRate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Audio a
                && sampleRate == a.sampleRate
                && channels == a.channels
                && Arrays.equals(samples, a.samples);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(samples) * 31 + sampleRate * 7 + channels;
    }

    @Override
    public String toString() {
        return "Audio[seconds=" + seconds() + ", sampleRate=" + sampleRate + ", channels=" + channels + "]";
    }
}
