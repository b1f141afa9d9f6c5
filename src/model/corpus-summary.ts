/** What a corpus gives. Free of imports, so the IPC contract can use it. */
export interface CorpusSummary {
  files: { path: string; characters: number }[];
  skipped: { path: string; reason: string }[];
  /** Code points over all used files. */
  characters: number;
  distinctCharacters: number;
}
