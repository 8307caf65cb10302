// Browser stand-in for node:fs, mapped by the "browser" field of package.json (bundlers that target the browser
// honour it: Vite, esbuild, webpack). The browser entry reaches src/training/config.ts, whose readConfigFile
// (`ganvae train --config`) reads a file; nothing in a page calls it. Delete this file and the mapping once
// that reader lives in a module of its own (the TODO test in test/package/browser-entry.test.ts).
function unavailable(name) {
  return () => {
    throw new Error(`node:fs ${name} is not available in the browser`);
  };
}

export const readFileSync = unavailable('readFileSync');
