// Writes docs/configuration.md from the settings each module declares (src/*/settings/*.settings.ts),
// from the build (`npm run docs:config` builds first when the sources are newer). A unit test
// (src/config/configuration-page.spec.ts) fails while the committed page differs.
import { writeFileSync } from 'node:fs';

const { CONFIGURATION_PAGE, configurationPage } = await import('../dist/src/config/configuration-page.js');
writeFileSync(CONFIGURATION_PAGE, await configurationPage());
process.stderr.write(`wrote ${CONFIGURATION_PAGE}\n`);
