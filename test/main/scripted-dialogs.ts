/** Native dialogs replaced by a queue of answers the test scripts. */
import type { Dialogs } from '../../src/main/services/app-services';

export interface ScriptedDialogs extends Dialogs {
  /** Answers for the next dialogs, in order (null = cancel). */
  answers: (string | string[] | null)[];
  /** The dialogs shown so far: which one, and the name or folder it suggested. */
  asked: { dialog: keyof Dialogs; suggested?: string | boolean }[];
}

export function scriptedDialogs(): ScriptedDialogs {
  const next = <T>(dialog: keyof Dialogs, suggested?: string | boolean) => {
    d.asked.push({ dialog, suggested });
    if (!d.answers.length) throw new Error('test did not script this dialog');
    return d.answers.shift() as T;
  };
  const d: ScriptedDialogs = {
    answers: [],
    asked: [],
    openDocument: async () => next<string | null>('openDocument'),
    saveDocument: async (name) => next<string | null>('saveDocument', name),
    pickCorpus: async (folders) => next<string[] | null>('pickCorpus', folders),
    exportModel: async (name) => next<string | null>('exportModel', name),
    importModel: async () => next<string | null>('importModel'),
    exportReport: async (name) => next<string | null>('exportReport', name),
  };
  return d;
}
