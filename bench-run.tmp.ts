import { benchUpgrade } from './bench/upgrade.js';
const r = await benchUpgrade({ samples: 3, cliSamples: 1 });
console.log(JSON.stringify(r, null, 2));
