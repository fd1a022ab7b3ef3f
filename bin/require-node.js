// Stops with one line when this Node is older than package.json's engines.node (`>=MAJOR`): plain JavaScript, so that
// an old Node runs it before it meets a TypeScript file. `node bin/require-node.js` exits 1; importing it throws first.
import { readFileSync } from 'node:fs';

const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const needed = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
const running = Number(process.versions.node.split('.')[0]);
if (running < needed) {
  process.stderr.write(
    `zantara: needs Node ${engines} (this is Node ${process.version} at ${process.execPath}); ` +
      'run it through npm (npm start, npm test, npx zantara: npm install brings Node 24) or `nvm use` (.nvmrc).\n',
  );
  process.exit(1);
}
