/**
 * Models and their life: the model store ({@link dev.stoa.api.model.ModelStore}, trained models as immutable,
 * numbered versions under {@code ${stoa.home}/data/models/<id>/<n>/}), the repository that serves them
 * ({@link dev.stoa.api.model.ModelRepository}, with one {@link dev.stoa.api.model.ModelStatus} per model and a
 * {@link dev.stoa.api.model.VersionPolicy}), and the SPI a model bundle implements
 * ({@link dev.stoa.api.model.ModelProvider}: open a version, list its services; since 0.4, also on the sessions of its
 * exported graphs, and each version says which engine serves it, {@link dev.stoa.api.model.ModelVersionInfo#engine()}).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package dev.stoa.api.model;
