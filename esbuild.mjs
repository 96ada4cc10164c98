// Bundles the CLI, the extension host side, the engine host process and the
// chat webview into dist/. The native addon is never bundled: node-gyp-build
// finds it at run time from the package root, so *.node stays external.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', '*.node', 'node-llama-cpp'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, entryPoints: ['extension/host/child/engine-host-main.ts'], outfile: 'dist/engine-host.js' }),
  // Chat templates render in a worker thread with limits (engine/template-sandbox.ts).
  build({ ...common, entryPoints: ['extension/engine/template-worker.ts'], outfile: 'dist/template-worker.js' }),
  build({ ...common, entryPoints: ['extension/models/discovery-worker.ts'], outfile: 'dist/discovery-worker.js' }),
  // The webview runs in a browser sandbox: no Node, no vscode module.
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', sourcemap: false, minify: true, logLevel: 'warning', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' }),
]);
mkdirSync('dist', { recursive: true });
copyFileSync('webview/styles.css', 'dist/webview.css');
