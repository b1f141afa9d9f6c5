/**
 * Questions the app asks the writer ("Save changes?", "Delete this model?"),
 * answered in an in-app dialog (components/QuestionDialog.svelte) rather than
 * window.confirm: that one blocks the renderer, offers only OK/Cancel where an
 * editor needs Save / Don't save / Cancel, and in Electron is a known source
 * of lost keyboard focus afterwards. One question at a time; others wait.
 */
export interface Choice<T extends string> {
  id: T;
  label: string;
  /** The button Enter presses and focus starts on. */
  primary?: boolean;
  /** Styled as a warning: it throws something away. */
  destructive?: boolean;
}

export interface Question<T extends string> {
  title: string;
  message: string;
  choices: Choice<T>[];
  /** What Escape (or closing the dialog) answers. */
  cancel: T;
}

interface Pending {
  question: Question<string>;
  answer(choice: string): void;
}

export class Questions {
  /** The question on screen, if any. */
  current = $state.raw<Pending | null>(null);
  private waiting: Pending[] = [];

  ask<T extends string>(question: Question<T>): Promise<T> {
    return new Promise<T>((resolve) => {
      const pending: Pending = {
        question: question as Question<string>,
        answer: (choice) => {
          this.current = this.waiting.shift() ?? null;
          resolve(choice as T);
        },
      };
      if (this.current) this.waiting.push(pending);
      else this.current = pending;
    });
  }
}
