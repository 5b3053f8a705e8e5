// The dependency rules of the layout: sdk and dashboard may use only contracts, filter (and the
// dashboard the sdk); the server never imports the sdk or the dashboard; contracts and filter depend
// on nothing of ours. Each project's `nx.tags` names its scope; this check enforces the rules on imports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const RULES = {
  'packages/contracts': [],
  'packages/filter': [],
  'packages/testkit': ['@basalt/contracts', '@basalt/server'],
  'apps/server': ['@basalt/contracts', '@basalt/filter', '@basalt/testkit'],
  // The testkit only in sdk/test, the built package itself only in sdk/test and sdk/examples (checked
  // below): the SDK's tests run against a live server, and tests and examples import it as apps do.
  sdk: ['@basalt/contracts', '@basalt/filter', '@basalt/testkit', '@basalt/sdk'],
  dashboard: ['@basalt/contracts', '@basalt/filter', '@basalt/sdk', '@basalt/testkit'],
};
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs)$/;
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@basalt\/[a-z-]+|\.\.?\/[^'"]*)['"]/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SOURCE.test(name)) yield path;
  }
}

const problems = [];
for (const [project, allowed] of Object.entries(RULES)) {
  for (const file of files(project)) {
    for (const [, target] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (target.startsWith('@basalt/')) {
        const testOnly = project === 'sdk' && ((target === '@basalt/testkit' && !file.startsWith('sdk/test/')) || (target === '@basalt/sdk' && !/^sdk\/(test|examples)\//.test(file)));
        if (!allowed.includes(target) || testOnly) problems.push(`${file}: imports ${target}, which ${project} may not use`);
      } else if (!join(file, '..', target).startsWith(project + '/') && join(file, '..', target) !== project) {
        problems.push(`${file}: reaches outside ${project} with ${target}`);
      }
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('project boundaries: ok');
