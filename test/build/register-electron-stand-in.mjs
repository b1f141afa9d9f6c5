// node --import ./test/build/register-electron-stand-in.mjs out/main/index.js
import { register } from 'node:module';

register('./electron-hooks.mjs', import.meta.url);
