/** Messages for the writer: errors from main as sentences, and short confirmations. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export class Notices {
  list = $state.raw<Notice[]>([]);
  private next = 1;

  show(kind: Notice['kind'], text: string, ms = kind === 'error' ? 8000 : 3500): void {
    const id = this.next++;
    this.list = [...this.list, { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}
