// Adds lockfile entries for platform-specific optional dependencies (nx, jest's resolver, msgpackr) that
// this machine's registry does not serve, so `npm ci` finds the lock in sync with package.json. npm skips
// them at install (another os/cpu, or optional and unavailable). Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';
const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];
let added = 0;
for (const [loc, meta] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = loc === '' ? '' : loc + '/';
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => pkgs[c])) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p)) ?? (parts.includes('win32') ? 'win32' : undefined);
    const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('wasm32') ? 'wasm32' : undefined);
    const entry = { version: spec.replace(/^[\^~=]/, ''), optional: true };
    if (os) entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
    pkgs[`node_modules/${name}`] = entry;
    added++;
    console.log('added', name, JSON.stringify(entry));
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`${added} entries added`);
