/**
 * Sequence to vector(s): the class token ({@link dev.stoa.nn.pool.ClsPooler}), the mean over real tokens
 * ({@link dev.stoa.nn.pool.MeanPooler}), CLIP's end-of-text token ({@link dev.stoa.nn.pool.EndOfTextPooler}) and
 * CoCa's attentional pooler with learned queries ({@link dev.stoa.nn.pool.AttentionalPooler}).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.nn.pool;
