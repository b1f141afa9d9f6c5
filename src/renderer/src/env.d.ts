/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { PenwrightApi } from '../../shared/api';

declare global {
  interface Window {
    penwright: PenwrightApi & { pathForFile(file: File): string };
  }
}
