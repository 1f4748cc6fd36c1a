/** Decision rules: reason codes, rules documents, the resolver and `summarize`. */
export * from './reasonCodes.js';
export * from './rulesDocument.js';
export * from './resolver.js';
export * from './summarize.js';
