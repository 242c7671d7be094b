/** This tool's version (`cluster -V`, `cluster version`). */
export const VERSION = '0.1.0';
