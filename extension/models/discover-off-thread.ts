/**
 * Runs model discovery and header reads in a worker thread
 * (discovery-worker.ts), so the editor stays responsive however big the
 * folders are. No vscode imports.
 */
import { Worker } from 'worker_threads';
import type { DiscoveredModel, DiscoveryRoots } from './discovery';
import type { ModelDescription } from './model-describe';
import { workerSource } from '../engine/worker-source';

export interface DescribedModel {
  m: DiscoveredModel;
  d: ModelDescription;
}

/** Longest a discovery may take before it is given up (a hung network mount). */
export const DISCOVERY_TIMEOUT_MS = 60_000;

export function discoverOffThread(roots: DiscoveryRoots, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<DescribedModel[]> {
  const src = workerSource(__dirname, 'discovery-worker');
  // A worker cannot take tsx's loader as a flag: the unbundled entry is required through it.
  const worker = src.loader
    ? new Worker(`require(${JSON.stringify(src.loader)}); require(${JSON.stringify(src.script)});`, { eval: true, workerData: roots })
    : new Worker(src.script, { workerData: roots });
  return new Promise<DescribedModel[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`looking for models took over ${Math.round(timeoutMs / 1000)} s (a slow or unreachable folder?)`));
    }, timeoutMs);
    worker.once('message', (found: DescribedModel[]) => {
      clearTimeout(timer);
      resolve(found);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the model discovery thread ended (exit code ${code}) before answering`));
    });
  });
}
