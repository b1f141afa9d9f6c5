#!/usr/bin/env node
// The CLI is TypeScript; tsx (a dependency) runs it without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/model/cli/main.ts');
