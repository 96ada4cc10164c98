// Prints the path of the random qwen2 FIM model (test/helpers/fim-model.ts), building it on first use.
import { qwenFimModel } from '../helpers/fim-model';

qwenFimModel().then((p) => process.stdout.write(p + '\n'), (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
