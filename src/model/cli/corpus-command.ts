import { resolve } from 'node:path';
import { DEFAULT_MANIFEST, readManifest } from '../text/corpus-manifest';
import { fetchCorpus } from '../text/gutenberg';
import { parse, UsageError } from './args';

/** `penwright fetch-corpus`: the texts of a corpus manifest from Project Gutenberg, cleaned and checked. */
export async function fetchCorpusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    manifest: { type: 'string' },
    out: { type: 'string' },
    site: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('fetch-corpus takes no file names: the manifest lists them');
  if (!values.out) throw new UsageError('fetch-corpus needs --out DIR, the folder to put the texts in');
  const site = (values.site ?? 'https://www.gutenberg.org').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(site)) throw new UsageError(`--site needs an http(s) URL, not "${values.site}"`);
  const manifest = await readManifest(values.manifest ?? DEFAULT_MANIFEST);
  const out = resolve(values.out);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const result = await fetchCorpus({
    manifest,
    outDir: out,
    site,
    log,
  });
  const total = manifest.entries.length;
  process.stdout.write(
    `${out}: ${result.present.length + result.fetched.length} of ${total} text(s) in place ` +
      `(${result.fetched.length} fetched, ${result.present.length} already there), ${result.failed.length} failed.\n`,
  );
  for (const f of result.failed) process.stderr.write(`${f.reason}\n`);
  return result.failed.length > 0 ? 1 : 0;
}
