import type { CorpusSummary } from '../../shared/reports';

export type { CorpusSummary };

/**
 * The summary a model keeps: file names without their folders. A model is
 * shared (export, the shipped default) and its metadata should not carry the
 * folder layout of the computer it was trained on.
 */
export function summaryForModel<S extends CorpusSummary>(summary: S): S {
  const name = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  return {
    ...summary,
    files: summary.files.map((f) => ({ ...f, path: name(f.path) })),
    skipped: summary.skipped.map((f) => ({ ...f, path: name(f.path) })),
  };
}
