/** This tool's version (`cluster -V`, `cluster version`): package.json's, put in by the build (esbuild.config.mjs) and by vitest.config.ts. */
declare const CLUSTER_VERSION: string;
export const VERSION = CLUSTER_VERSION;
