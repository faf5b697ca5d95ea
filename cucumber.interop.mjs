// Cucumber configuration for the interop run (npm run test:interop): real POP3 clients against
// the reference server. Only features/interop and steps/interop: the conformance suite has its own
// runner (src/harness) and never shares a World or step texts with these.
// Run through tsx so the TypeScript steps load:
//   node --import tsx node_modules/@cucumber/cucumber/bin/cucumber.js --config cucumber.interop.mjs
export default {
  paths: ['features/interop/**/*.feature'],
  import: ['steps/interop/**/*.ts'],
  // progress: one character per step, then the failures in full and the totals (also in CI logs).
  format: ['progress'],
  strict: true,
};
