/**
 * Recorded with every run, so a result can be traced to the code that made
 * it. Kept equal to package.json's version by a test (a JSON import would not
 * survive the CommonJS Electron bundle and the ESM CLI bundle alike).
 */
export const APP_VERSION = '0.1.0';
