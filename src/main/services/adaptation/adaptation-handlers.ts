/**
 * The handler that keeps what "learn this document as I write" learned from
 * an open document as a model in the library (keep-adapted.ts), and tells the
 * window that the library changed, as an import does. Only the weights in use
 * now can be kept, so only while the document is open with the setting on:
 * they go when it closes, the model changes or the setting goes off.
 */
import type { Events, EventName } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import type { HandlerTable } from '../app-services';
import type { DocumentService } from '../documents/documents';
import type { ModelLibrary } from '../models/model-library';
import type { SuggestionService } from '../suggestions';
import { saveKeptModel } from './keep-adapted';

export interface AdaptationHandlerOptions {
  suggestions: Pick<SuggestionService, 'adaptedWeights' | 'documentWords'>;
  documents: Pick<DocumentService, 'isOpen' | 'info'>;
  library: Pick<ModelLibrary, 'addWritten' | 'list'>;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
}

export const NOTHING_LEARNED_YET =
  'Nothing has been learned from this document yet. With “Learn this document as I write” on, ' +
  'write on and pause for a moment; once its suggestions come from what it learned, it can be kept.';

export function createAdaptationHandlers(options: AdaptationHandlerOptions): Pick<HandlerTable, 'adaptation:keep'> {
  const { suggestions, documents, library, emit } = options;
  return {
    'adaptation:keep': async ({ docId, name }) => {
      if (!documents.isOpen(docId)) throw new AppError('NOT_FOUND', 'That document is no longer open.');
      const adapted = suggestions.adaptedWeights(docId);
      if (!adapted) throw new AppError('NOT_FOUND', NOTHING_LEARNED_YET);
      const info = {
        name,
        documentTitle: documents.info(docId).title,
        documentWords: suggestions.documentWords(docId),
      };
      const summary = await library.addWritten(name, (dir) => saveKeptModel(dir, adapted, info));
      emit('models:changed', { models: await library.list() });
      return summary;
    },
  };
}
