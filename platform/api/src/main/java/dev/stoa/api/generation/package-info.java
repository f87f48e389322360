/**
 * Text generation as a service: a {@link dev.stoa.api.generation.TextGenerator} turns a
 * {@link dev.stoa.api.generation.GenerationRequest} (a prompt and {@link dev.stoa.api.generation.GenerationOptions})
 * into a {@link dev.stoa.api.generation.Generation}, and can hand each piece of text to a
 * {@link dev.stoa.api.generation.TokenListener} as it is produced. Providers are the platform's own decoders
 * ({@code bundles/models/gpt}) and remote servers ({@code extensions/openai-compatible}).
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.api.generation;
