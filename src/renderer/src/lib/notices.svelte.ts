/** Messages for the writer: errors from main as sentences, and short confirmations. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  show(kind: Notice['kind'], text: string, ms = kind === 'error' ? 8000 : 3500): void {
    const id = this.next++;
    this.list = [...this.list, { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }

  error(e: unknown): void {
    if (e instanceof Error && /SUPERSEDED/.test((e as { error?: { code?: string } }).error?.code ?? '')) return;
    this.show('error', e instanceof Error ? e.message : String(e));
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
