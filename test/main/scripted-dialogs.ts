/** Native dialogs replaced by a queue of answers the test scripts. */
import type { Dialogs } from '../../src/main/services/app-services';

export interface ScriptedDialogs extends Dialogs {
  /** Answers for the next dialogs, in order (null = cancel). */
  answers: (string | string[] | null)[];
}

export function scriptedDialogs(): ScriptedDialogs {
  const next = <T>() => {
    if (!d.answers.length) throw new Error('test did not script this dialog');
    return d.answers.shift() as T;
  };
  const d: ScriptedDialogs = {
    answers: [],
    openDocument: async () => next<string | null>(),
    saveDocument: async () => next<string | null>(),
    pickCorpus: async () => next<string[] | null>(),
    exportModel: async () => next<string | null>(),
    importModel: async () => next<string | null>(),
  };
  return d;
}
