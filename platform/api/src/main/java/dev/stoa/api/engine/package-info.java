/**
 * Engines that run a model's exported graph (an ONNX file): ONNX Runtime on the CPU, TensorRT on a GPU. Engine
 * bundles register {@link dev.stoa.api.engine.InferenceEngine} services; the platform picks one per model from the
 * configured chain (e.g. {@code tensorrt, onnxruntime-cpu, pytorch}), falls back along it when an engine cannot serve
 * here, and says which one serves and why ({@link dev.stoa.api.engine.EngineChoice}). {@code pytorch} names the
 * model bundle's own DJL path, which needs no exported graph. A model bundle serves a version on the chosen engine's
 * sessions ({@link dev.stoa.api.engine.EngineGraphs}) through
 * {@link dev.stoa.api.model.ModelProvider#open(dev.stoa.api.model.ModelSource, dev.stoa.api.engine.EngineGraphs)}.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.api.engine;
