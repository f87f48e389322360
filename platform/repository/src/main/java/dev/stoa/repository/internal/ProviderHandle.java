package dev.stoa.repository.internal;

import dev.stoa.api.model.ModelProvider;
import org.osgi.framework.BundleContext;

/**
 * A model bundle's provider and the context its models' services are registered with: the provider's own bundle, so
 * that {@code /v1/services} names the model bundle, and its services go when that bundle goes.
 *
 * @param provider the provider
 * @param context the provider's bundle context
 * @param bundle the provider's bundle symbolic name
 */
record ProviderHandle(ModelProvider provider, BundleContext context, String bundle) {

    boolean offers(String modelId) {
        return provider.shipped().contains(modelId) || provider.handles(modelId);
    }
}
