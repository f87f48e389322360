// The shapes of the gateway's answers that the console reads (only the fields it uses).
import { getJson } from "./api";

export interface Bundle {
  id: number;
  symbolicName?: string;
  version?: string;
  state: string;
  location?: string;
  file?: string;
  problem?: string;
}

export interface Service {
  id: string;
  kind: string;
  version?: string;
  address?: string;
  inputType?: string;
  outputType?: string;
  bundle?: string;
  state: string;
  inFlight?: number;
  calls?: number;
  failures?: number;
  node?: string | null;
  model?: string;
  modelStatus?: { state: string; message?: string };
}

export interface Pipeline {
  name: string;
  file: string;
  state: string;
  errors: string[];
  missingServices: string[];
  inputType?: string;
}

export interface Training {
  id: string;
  name?: string;
  file?: string;
  model?: string;
  state: string;
  step: number;
  steps: number;
  progress?: number;
  samples_per_s?: number;
  eta_s?: number;
  metrics?: Record<string, number | null>;
  evaluation?: Record<string, number | null>;
  run_dir?: string;
  message?: string;
}

export interface ModelInfo {
  id: string;
  status: { state: string; message?: string };
  policy?: string;
  serving_version?: number;
  versions?: { version: number; status: { state: string }; serving?: boolean; services?: string[] }[];
  services?: string[];
  bundle?: string;
}

export const fetchBundles = () => getJson<Bundle[]>("/v1/bundles");
export const fetchServices = () => getJson<Service[]>("/v1/services");
export const fetchPipelines = () => getJson<Pipeline[]>("/v1/pipelines");
export const fetchTrainings = () => getJson<{ trainings: Training[] }>("/v1/trainings").then((r) => r.trainings ?? []);
export const fetchModels = () => getJson<{ models: ModelInfo[] }>("/v1/models").then((r) => r.models ?? []);

/** An error text's "file:line" (pipeline errors read "pipelines/relay.yaml:4: ..."). */
export function fileLine(error: string): { file: string; line: number } | null {
  const m = /^([^\s:]+\.ya?ml):(\d+)(?::\d+)?:/.exec(error);
  return m ? { file: m[1], line: Number(m[2]) } : null;
}
