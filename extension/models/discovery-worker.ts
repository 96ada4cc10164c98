/**
 * Entry of the discovery worker thread (dist/discovery-worker.js): walks the
 * model folders and reads each file's header (synchronous file I/O, seconds
 * on a slow or network disk) away from the extension host's thread, and
 * posts back the described list.
 */
import { parentPort, workerData } from 'worker_threads';
import { discoverModels, type DiscoveryRoots } from './discovery';
import { describeModel } from './model-describe';

parentPort?.postMessage(discoverModels(workerData as DiscoveryRoots).map((m) => ({ m, d: describeModel(m) })));
