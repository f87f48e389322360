/**
 * Models and their life: the model store ({@link dev.stoa.api.model.ModelStore}, trained models as immutable,
 * numbered versions under {@code ${stoa.home}/data/models/<id>/<n>/}), the repository that serves them
 * ({@link dev.stoa.api.model.ModelRepository}, with one {@link dev.stoa.api.model.ModelStatus} per model and a
 * {@link dev.stoa.api.model.VersionPolicy}), and the SPI a model bundle implements
 * ({@link dev.stoa.api.model.ModelProvider}: open a version, list its services).
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.api.model;
