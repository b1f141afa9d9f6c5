'use strict';
/**
 * Loads the kernel variant this processor can run, or says why none loads.
 * The selector (cpu_features.node) is compiled for baseline x86-64, so asking
 * it never faults; only then is an AVX2 or AVX-512 build opened.
 *
 * PENWRIGHT_NATIVE_VARIANT=baseline|avx2|avx512 forces a variant (tests,
 * benchmarks); a variant the processor lacks is refused, never tried.
 * PENWRIGHT_NATIVE=off disables the kernel (training then runs on wasm).
 */
const fs = require('node:fs');
const path = require('node:path');

const VARIANTS = ['baseline', 'avx2', 'avx512'];
const RANK = { baseline: 0, avx2: 1, avx512: 2 };
const releaseDir = path.join(__dirname, 'build', 'Release');

/** What the install script recorded: why the build failed, when it did. */
function buildOutcome() {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'build', 'outcome.json'), 'utf8'));
  } catch {
    return null;
  }
}

function notBuilt() {
  const outcome = buildOutcome();
  if (outcome && !outcome.ok) return `the native kernel did not build: ${outcome.reason}`;
  return 'the native kernel is not built (run `npm rebuild penwright-native`, which needs a C++ compiler)';
}

/** The best variant the processor supports, from the baseline-compiled selector. */
function supportedVariant() {
  const selector = path.join(releaseDir, 'cpu_features.node');
  if (!fs.existsSync(selector)) throw new Error(notBuilt());
  return require(selector).bestVariant();
}

let loaded;

/**
 * { kernel, variant, supported, file } for the chosen variant; throws an Error whose
 * message says why no kernel could be loaded.
 */
function load() {
  if (loaded) return loaded;
  if (process.env.PENWRIGHT_NATIVE === 'off')
    throw new Error('the native kernel is switched off (PENWRIGHT_NATIVE=off)');
  const supported = supportedVariant();
  let variant = supported;
  const forced = process.env.PENWRIGHT_NATIVE_VARIANT;
  if (forced) {
    if (!VARIANTS.includes(forced))
      throw new Error(`PENWRIGHT_NATIVE_VARIANT=${forced} is not one of ${VARIANTS.join(', ')}`);
    if (RANK[forced] > RANK[supported]) {
      throw new Error(`this processor cannot run the ${forced} kernel (it supports up to ${supported})`);
    }
    variant = forced;
  }
  // a variant may be missing where its flags do not apply (not x86-64): fall back in rank order
  for (let r = RANK[variant]; r >= 0; r--) {
    const file = path.join(releaseDir, `kernel_${VARIANTS[r]}.node`);
    if (fs.existsSync(file)) {
      loaded = { kernel: require(file), variant: VARIANTS[r], supported, file };
      return loaded;
    }
  }
  throw new Error(notBuilt());
}

module.exports = { load, supportedVariant, VARIANTS };
