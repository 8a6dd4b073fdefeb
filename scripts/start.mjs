// `npm start`: install what is missing, build the web app, then run the server.
import { spawn } from 'node:child_process';
import { ensurePackages, ensureWebBuild, root } from './ensure.mjs';

ensurePackages();
ensureWebBuild();
const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
