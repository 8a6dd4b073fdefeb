// Installs packages and builds the web app without running anything (CI's first step).
import { ensurePackages, ensureWebBuild } from './ensure.mjs';
ensurePackages();
ensureWebBuild();
