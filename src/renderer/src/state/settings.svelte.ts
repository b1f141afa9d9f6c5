/** The writer's settings: read at start, changed through main (which checks them), kept current by its pushes. */
import type { Settings } from '../../../shared/ipc-contract';
import type { MainProcess } from './main-process';
import type { Notices } from './notices.svelte';

export class SettingsState {
  /** Null until main has answered. */
  current = $state.raw<Settings | null>(null);

  constructor(
    private readonly main: MainProcess,
    private readonly notices: Notices,
  ) {}

  /** Follows main's changes; returns the function that stops. */
  listen(): () => void {
    return this.main.api.onSettingsChanged(({ settings }) => (this.current = settings));
  }

  async load(): Promise<void> {
    const answer = await this.main.call(this.main.api.getSettings());
    if (answer) {
      this.current = answer.settings;
      // for example: the settings file was unreadable and was set aside
      if (answer.notice) this.notices.show('info', answer.notice, 12000);
    }
  }

  async update(patch: Partial<Settings>): Promise<void> {
    const next = await this.main.call(this.main.api.updateSettings(patch));
    if (next) this.current = next;
  }
}
