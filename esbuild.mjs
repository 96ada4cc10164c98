// Bundles the CLI (and later the extension host and webview) into dist/.
// The native addon is never bundled: node-gyp-build finds it at run time
// from the package root, so *.node stays external.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', '*.node', 'node-llama-cpp'],
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js' });
